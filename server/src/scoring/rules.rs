//! The contribution rules as numbers and pure functions: what each event is worth,
//! damping, timeliness tiers, completeness and time decay. docs/scoring.md explains them
//! with a worked example; change both together (and run `kyoyu score recompute`).

use std::fmt;

/// What a ledger row rewards or costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// First to share an observable (a small part at once, the rest once corroborated);
    /// independent later finders get a share.
    Novelty,
    /// Lead over the next independent reporter, by the hub's clock.
    Timeliness,
    /// Other organisations' sightings and independent reports, damped per pair.
    Corroboration,
    /// What makes a confirmed indicator actionable.
    Completeness,
    /// A coordination-center analyst confirmed the object.
    Confirmation,
    /// Reporting back: sightings of others' indicators, confirmed false-positive reports.
    Feedback,
    /// Counted false positives (and their reversal when an analyst rejects them).
    FalsePositive,
    /// The producer withdrew (revoked) its own indicator.
    Revocation,
    /// Refused objects beyond a daily allowance.
    Refusals,
    /// Unconfirmed objects without context beyond the daily allowance.
    Padding,
}

impl Component {
    pub const ALL: [Component; 10] = [
        Component::Novelty,
        Component::Timeliness,
        Component::Corroboration,
        Component::Completeness,
        Component::Confirmation,
        Component::Feedback,
        Component::FalsePositive,
        Component::Revocation,
        Component::Refusals,
        Component::Padding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Component::Novelty => "novelty",
            Component::Timeliness => "timeliness",
            Component::Corroboration => "corroboration",
            Component::Completeness => "completeness",
            Component::Confirmation => "confirmation",
            Component::Feedback => "feedback",
            Component::FalsePositive => "false-positive",
            Component::Revocation => "revocation",
            Component::Refusals => "refusals",
            Component::Padding => "padding",
        }
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Full novelty of a first report, once corroborated.
pub const NOVELTY_FULL: i64 = 100;
/// The part of it paid at once, before anyone corroborates.
pub const NOVELTY_UNCONFIRMED: i64 = 10;
/// Unconfirmed novelty paid per organisation and UTC day, at most.
pub const UNCONFIRMED_DAILY_ALLOWANCE: i64 = 50;
/// An independent later finder's share (its report is corroborated by the earlier one).
pub const NOVELTY_INDEPENDENT: i64 = 30;
/// An unconfirmed object without context past the daily allowance.
pub const PADDING: i64 = -5;
/// A corroboration by another organisation, before damping.
pub const CORROBORATION: i64 = 40;
/// Each further distinct organisation agreeing (the second, third and fourth).
pub const FURTHER_AGREEMENT: i64 = 20;
/// Distinct corroborators past the first that earn `FURTHER_AGREEMENT`.
pub const FURTHER_AGREEMENT_MAX: i64 = 3;
/// The sighter's reward for a sighting of another organisation's object, before damping.
pub const SIGHTING_FEEDBACK: i64 = 8;
/// Per completeness property of a confirmed indicator.
pub const COMPLETENESS_PER_PROPERTY: i64 = 5;
pub const ANALYST_CONFIRMATION: i64 = 50;
pub const FALSE_POSITIVE: i64 = -200;
/// Each organisation whose false-positive report an analyst confirmed.
pub const FALSE_POSITIVE_FEEDBACK: i64 = 10;
/// Distinct organisations whose reports make a false positive count without an analyst.
pub const FALSE_POSITIVE_REPORTS: i64 = 2;
pub const REVOCATION: i64 = -20;
/// Refused objects per organisation and UTC day that cost nothing.
pub const REFUSALS_DAILY_ALLOWANCE: i64 = 20;
/// Per refused object past the allowance.
pub const REFUSAL: i64 = -2;

/// `points` halved once per earlier corroboration between the same pair of
/// organisations: 40, 20, 10, 5, 2, 1, 0, ...
pub fn damped(points: i64, earlier: i64) -> i64 {
    if earlier >= 63 { 0 } else { points >> earlier }
}

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Timeliness of a first report by its lead (microseconds, hub clock) over the next
/// independent reporter of the same observable.
pub fn timeliness(lead_micros: i64) -> i64 {
    match lead_micros {
        lead if lead >= 7 * DAY => 50,
        lead if lead >= DAY => 40,
        lead if lead >= 6 * HOUR => 30,
        lead if lead >= HOUR => 20,
        lead if lead >= 10 * MINUTE => 10,
        _ => 0,
    }
}

/// A lead as people say it: `3 d 4 h`, `2 h 5 min`, `40 s`.
pub fn describe_lead(lead_micros: i64) -> String {
    let seconds = lead_micros.max(0) / 1_000_000;
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// The UTC day (days since the epoch) of a hub time.
pub fn day_of(at_micros: i64) -> i64 {
    at_micros.div_euclid(DAY)
}

/// Completeness properties of an indicator, as bits.
pub mod completeness {
    pub const VALID_UNTIL: i64 = 1;
    pub const KILL_CHAIN_PHASES: i64 = 2;
    pub const DESCRIPTION: i64 = 4;
    pub const CONFIDENCE: i64 = 8;
    /// A description shorter than this says nothing.
    pub const DESCRIPTION_MIN_CHARS: usize = 20;

    /// Which properties the object carries.
    pub fn of(object: &serde_json::Map<String, serde_json::Value>) -> i64 {
        let mut bits = 0;
        if object.contains_key("valid_until") {
            bits |= VALID_UNTIL;
        }
        if object
            .get("kill_chain_phases")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|phases| !phases.is_empty())
        {
            bits |= KILL_CHAIN_PHASES;
        }
        if object
            .get("description")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|text| text.trim().chars().count() >= DESCRIPTION_MIN_CHARS)
        {
            bits |= DESCRIPTION;
        }
        if object.contains_key("confidence") {
            bits |= CONFIDENCE;
        }
        bits
    }

    /// The properties' names, for a ledger reason.
    pub fn names(bits: i64) -> Vec<&'static str> {
        [
            (VALID_UNTIL, "valid_until"),
            (KILL_CHAIN_PHASES, "kill_chain_phases"),
            (DESCRIPTION, "description"),
            (CONFIDENCE, "confidence"),
        ]
        .into_iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| name)
        .collect()
    }
}

/// Weight of points earned `age_days` whole UTC days ago: halves every `half_life_days`.
pub fn decay(age_days: i64, half_life_days: f64) -> f64 {
    if half_life_days <= 0.0 {
        return 1.0;
    }
    0.5_f64.powf(age_days.max(0) as f64 / half_life_days)
}

/// Rounds a score for display: two decimals.
pub fn round(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damping_halves_per_earlier_corroboration_and_reaches_zero() {
        let series: Vec<i64> = (0..8).map(|k| damped(CORROBORATION, k)).collect();
        assert_eq!(series, [40, 20, 10, 5, 2, 1, 0, 0]);
        assert_eq!(damped(CORROBORATION, 1000), 0);
    }

    #[test]
    fn timeliness_grows_with_the_lead() {
        assert_eq!(timeliness(0), 0);
        assert_eq!(timeliness(9 * MINUTE), 0);
        assert_eq!(timeliness(10 * MINUTE), 10);
        assert_eq!(timeliness(HOUR), 20);
        assert_eq!(timeliness(6 * HOUR), 30);
        assert_eq!(timeliness(DAY), 40);
        assert_eq!(timeliness(30 * DAY), 50);
        assert_eq!(describe_lead(3 * HOUR + 12 * MINUTE), "3 h 12 min");
        assert_eq!(describe_lead(2 * DAY + 5 * HOUR), "2 d 5 h");
        assert_eq!(describe_lead(40_000_000), "40 s");
    }

    #[test]
    fn completeness_counts_what_makes_an_indicator_actionable() {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"valid_until": "2027-01-01T00:00:00Z", "kill_chain_phases": [],
                "description": "short", "confidence": 80}"#,
        )
        .expect("json");
        let bits = completeness::of(&object);
        assert_eq!(completeness::names(bits), ["valid_until", "confidence"]);
    }

    #[test]
    fn decay_halves_every_half_life() {
        assert_eq!(decay(0, 90.0), 1.0);
        assert!((decay(90, 90.0) - 0.5).abs() < 1e-12);
        assert!((decay(180, 90.0) - 0.25).abs() < 1e-12);
        assert_eq!(decay(-3, 90.0), 1.0);
        assert_eq!(day_of(-1), -1);
    }
}
