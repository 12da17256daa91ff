//! A bounded least-recently-used window of message ids the sink already accepted, so a
//! redelivered message (delivery is at least once) reaches the sink once. No I/O.

use std::collections::{HashMap, VecDeque};

/// At most `capacity` ids; seeing an id again makes it the most recent.
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    /// id -> the generation of its latest use.
    latest: HashMap<String, u64>,
    /// Uses in order, oldest first; stale entries (an older generation) are skipped on eviction.
    order: VecDeque<(String, u64)>,
    generation: u64,
}

impl RecentIds {
    /// A window of `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            latest: HashMap::new(),
            order: VecDeque::new(),
            generation: 0,
        }
    }

    /// Whether `id` is in the window; a hit refreshes it.
    pub fn seen(&mut self, id: &str) -> bool {
        if self.latest.contains_key(id) {
            self.touch(id.to_owned());
            true
        } else {
            false
        }
    }

    /// Records `id` as accepted, evicting the least recently used id beyond capacity.
    pub fn insert(&mut self, id: String) {
        self.touch(id);
        while self.latest.len() > self.capacity {
            let Some((oldest, generation)) = self.order.pop_front() else {
                break;
            };
            if self.latest.get(&oldest) == Some(&generation) {
                self.latest.remove(&oldest);
            }
        }
        // Refreshes leave stale entries behind; compact before they outgrow the live ones.
        if self.order.len() > self.capacity.saturating_mul(2) {
            let latest = &self.latest;
            self.order.retain(|(id, g)| latest.get(id) == Some(g));
        }
    }

    /// How many ids the window holds.
    pub fn len(&self) -> usize {
        self.latest.len()
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    fn touch(&mut self, id: String) {
        self.generation += 1;
        self.latest.insert(id.clone(), self.generation);
        self.order.push_back((id, self.generation));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_id_is_evicted_first() {
        let mut recent = RecentIds::new(2);
        recent.insert("a".to_owned());
        recent.insert("b".to_owned());
        assert!(recent.seen("a"), "a is in the window and now most recent");
        recent.insert("c".to_owned());
        assert!(recent.seen("a"), "a survived: b was least recently used");
        assert!(!recent.seen("b"), "b was evicted");
        assert!(recent.seen("c"));
        assert_eq!(recent.len(), 2);
    }

    #[test]
    fn refreshing_many_times_stays_bounded() {
        let mut recent = RecentIds::new(3);
        for i in 0..1000 {
            recent.insert("hot".to_owned());
            recent.insert(format!("cold-{i}"));
            assert!(
                recent.order.len() <= 7,
                "order grew to {}",
                recent.order.len()
            );
        }
        assert!(recent.seen("hot"));
        assert!(recent.seen("cold-999"));
        assert!(!recent.seen("cold-0"));
        assert_eq!(recent.len(), 3);
    }
}
