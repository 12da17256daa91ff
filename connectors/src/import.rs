//! The importers' common end: posts converted objects to the hub in envelopes of at most 500
//! objects with a progress line, then reports what was built, accepted, refused (grouped by the
//! hub's message) and skipped. Conversion is `feeds`', HTTP is `taxii`'s.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::HubArgs;
use crate::feeds::{Converted, Skipped};
use crate::progress::Progress;
use crate::taxii::{Client, Credentials, Status, TaxiiError};

/// The most objects one envelope carries.
pub const MAX_ENVELOPE_OBJECTS: usize = 500;

/// What the hub made of the posted objects.
#[derive(Debug, Default)]
pub struct Outcome {
    pub accepted: u64,
    /// The hub's message -> the objects (`id` or `id@version`) it refused with it.
    pub refused: BTreeMap<String, Vec<String>>,
    /// Still pending when the status stopped being polled.
    pub pending: u64,
    pub posted: usize,
}

impl Outcome {
    /// How many objects were refused.
    pub fn refused_count(&self) -> usize {
        self.refused.values().map(Vec::len).sum()
    }

    fn record(&mut self, status: &Status, posted: &[Value]) {
        self.accepted += status.success_count;
        self.pending += status.pending_count;
        for failure in &status.failures {
            let message = failure
                .message
                .clone()
                .unwrap_or_else(|| "(no message)".to_owned());
            let object = match &failure.version {
                Some(version) => format!("{}@{version}", failure.id),
                None => failure.id.clone(),
            };
            self.refused.entry(message).or_default().push(object);
        }
        let listed = status.failures.len() as u64;
        if status.failure_count > listed {
            self.refused
                .entry("(refused without details)".to_owned())
                .or_default()
                .extend((listed..status.failure_count).map(|i| format!("#{i}")));
        }
        let reported = status.success_count + status.failure_count + status.pending_count;
        let unreported = (posted.len() as u64).saturating_sub(reported);
        if unreported > 0 {
            self.refused
                .entry("(not in the status resource)".to_owned())
                .or_default()
                .extend((0..unreported).map(|i| format!("#{i}")));
        }
    }

    fn refuse_all(&mut self, message: String, posted: &[Value]) {
        let ids = posted.iter().map(|o| {
            o.get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        });
        self.refused.entry(message).or_default().extend(ids);
    }
}

/// Posts `objects` in envelopes of `envelope_size` (at most 500). Stops at the first error that
/// concerns every envelope (unreachable, credentials, collection, a server error), returning
/// it with the outcome so far; an envelope the hub refuses as a whole counts its objects as
/// refused and the import goes on.
pub fn post(
    client: &Client,
    collection: &str,
    objects: &[Value],
    envelope_size: usize,
    progress: &mut Progress,
) -> (Outcome, Option<TaxiiError>) {
    let mut outcome = Outcome::default();
    for envelope in objects.chunks(envelope_size.clamp(1, MAX_ENVELOPE_OBJECTS)) {
        match client.add_objects(collection, envelope) {
            Ok(status) => outcome.record(&status, envelope),
            Err(error) if !error.is_fatal() => outcome.refuse_all(error.to_string(), envelope),
            Err(error) => return (outcome, Some(error)),
        }
        outcome.posted += envelope.len();
        progress.advance(envelope.len());
    }
    (outcome, None)
}

/// The summary printed at the end of an import.
pub fn summary(built: usize, outcome: Option<&Outcome>, skipped: &[Skipped]) -> String {
    const EXAMPLES: usize = 5;
    let mut text = String::new();
    let _ = writeln!(text, "objects built:  {built}");
    if let Some(outcome) = outcome {
        let _ = writeln!(text, "posted:         {}", outcome.posted);
        let _ = writeln!(text, "accepted:       {}", outcome.accepted);
        let _ = writeln!(text, "refused:        {}", outcome.refused_count());
        for (message, objects) in &outcome.refused {
            let _ = writeln!(text, "  {} x {message}", objects.len());
            for object in objects.iter().take(EXAMPLES) {
                let _ = writeln!(text, "      {object}");
            }
            if objects.len() > EXAMPLES {
                let _ = writeln!(text, "      ... and {} more", objects.len() - EXAMPLES);
            }
        }
        if outcome.pending > 0 {
            let _ = writeln!(text, "still pending:  {}", outcome.pending);
        }
    }
    let _ = writeln!(text, "skipped source records: {}", skipped.len());
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for skip in skipped {
        by_reason
            .entry(&skip.reason)
            .or_default()
            .push(&skip.location);
    }
    for (reason, locations) in by_reason {
        let _ = writeln!(text, "  {} x {reason}", locations.len());
        for location in locations.iter().take(EXAMPLES) {
            let _ = writeln!(text, "      {location}");
        }
        if locations.len() > EXAMPLES {
            let _ = writeln!(text, "      ... and {} more", locations.len() - EXAMPLES);
        }
    }
    text
}

/// Posts a conversion to the hub the arguments name (or prints it as a bundle with
/// `--dry-run`) and prints the summary. Fails when the hub is unreachable, refuses the
/// credentials, or cannot take the collection.
pub fn run(hub: &HubArgs, converted: Converted) -> anyhow::Result<()> {
    let built = converted.objects.len();
    if hub.dry_run {
        let bundle = json!({
            "type": "bundle",
            "id": format!("bundle--{}", uuid::Uuid::new_v4()),
            "objects": converted.objects,
        });
        println!("{}", serde_json::to_string_pretty(&bundle)?);
        eprint!("{}", summary(built, None, &converted.skipped));
        return Ok(());
    }
    let (Some(url), Some(collection)) = (&hub.taxii_url, &hub.collection) else {
        anyhow::bail!("--taxii-url and --collection are required unless --dry-run");
    };
    let credentials = match (&hub.token, &hub.basic) {
        (Some(token), _) => Credentials::Bearer(token.clone()),
        (None, Some(pair)) => {
            Credentials::basic(pair).context("--basic must be CLIENT_ID:SECRET (with a colon)")?
        }
        (None, None) => anyhow::bail!("give --token or --basic CLIENT_ID:SECRET"),
    };
    let client = Client::new(
        url,
        &credentials,
        Duration::from_secs(hub.http_timeout_secs),
    );
    client
        .check_collection(collection)
        .with_context(|| format!("checking collection '{collection}' at {url}"))?;
    let mut progress = Progress::new(built, "objects posted");
    let (outcome, error) = post(
        &client,
        collection,
        &converted.objects,
        usize::from(hub.envelope_size),
        &mut progress,
    );
    progress.finish();
    print!("{}", summary(built, Some(&outcome), &converted.skipped));
    match error {
        Some(error) => Err(error).context(format!(
            "posting to collection '{collection}' stopped after {} of {built} objects",
            outcome.posted
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_groups_refusals_and_skips_by_message() {
        let mut outcome = Outcome {
            posted: 5,
            ..Outcome::default()
        };
        outcome.record(
            &Status {
                success_count: 3,
                failure_count: 2,
                failures: vec![
                    crate::taxii::StatusDetail {
                        id: "indicator--a".into(),
                        version: Some("2024-01-01T00:00:00.000Z".into()),
                        message: Some("bad pattern".into()),
                    },
                    crate::taxii::StatusDetail {
                        id: "indicator--b".into(),
                        version: None,
                        message: Some("bad pattern".into()),
                    },
                ],
                ..Status::default()
            },
            &vec![json!({}); 5],
        );
        let skipped = vec![
            Skipped {
                location: "line 3".into(),
                reason: "empty value".into(),
            },
            Skipped {
                location: "line 9".into(),
                reason: "empty value".into(),
            },
        ];
        assert_eq!(
            summary(5, Some(&outcome), &skipped),
            "objects built:  5\nposted:         5\naccepted:       3\nrefused:        2\n  2 x bad pattern\n      indicator--a@2024-01-01T00:00:00.000Z\n      indicator--b\nskipped source records: 2\n  2 x empty value\n      line 3\n      line 9\n"
        );
    }
}
