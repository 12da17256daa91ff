//! The scorer: applies facts, in hub order, to the ledger and its own state tables.
//! Incremental scoring and `kyoyu score recompute` run this same code over the same
//! facts in the same order, so they write the same ledger.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use sqlx::AnyConnection;

use super::rules::{self, Component, completeness};
use crate::sharing::{self, OrgRole};
use crate::stix::observable;
use crate::storage::StoreError;
use crate::storage::collections::Collection;
use crate::storage::organizations::Organization;
use crate::storage::score::{self, Fact, LedgerEntry, ObjectState, ReportRow, VersionFact};
use crate::storage::triage::{TriageAction, TriageEvent};

/// Earlier reports by other organisations read per observable, earliest first: enough
/// to decide independent or re-post and to credit the first reporters; a bound on the
/// work one very common observable can cause.
const REPORTS_PER_OBSERVABLE: i64 = 32;
/// Earlier reports whose correlation count a new report raises, earliest first (counts
/// are exact up to this, and at least this beyond).
const CORRELATIONS_RAISED: usize = 20;

/// How another organisation corroborated an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Sighting,
    Report,
}

impl How {
    fn as_str(self) -> &'static str {
        match self {
            How::Sighting => "sighting",
            How::Report => "report",
        }
    }
}

pub struct Engine<'c> {
    connection: &'c mut AnyConnection,
    organizations: HashMap<i64, Organization>,
    collections: HashMap<i64, Collection>,
    /// Number of the last ledger row written.
    pub ledger_n: i64,
}

impl<'c> Engine<'c> {
    pub fn new(
        connection: &'c mut AnyConnection,
        organizations: Vec<Organization>,
        collections: Vec<Collection>,
        ledger_n: i64,
    ) -> Engine<'c> {
        Engine {
            connection,
            organizations: organizations.into_iter().map(|o| (o.pk, o)).collect(),
            collections: collections.into_iter().map(|c| (c.pk, c)).collect(),
            ledger_n,
        }
    }

    pub async fn apply(&mut self, fact: &Fact) -> Result<(), StoreError> {
        match fact {
            Fact::Version(version) => self.on_version(version).await,
            Fact::Refused {
                organization_pk,
                at,
                count,
            } => self.on_refused(*organization_pk, *at, *count).await,
            Fact::Deleted { seq, at } => score::withdraw(self.connection, *seq, *at).await,
            Fact::Decision(event) => self.on_decision(event).await,
        }
    }

    /// Appends a ledger row, for member organisations only (the coordination center
    /// and administrators do not compete), and never for zero points.
    #[expect(clippy::too_many_arguments, reason = "one per ledger column")]
    async fn credit(
        &mut self,
        organization_pk: i64,
        component: Component,
        points: i64,
        reason: String,
        stix_id: Option<&str>,
        counterpart_pk: Option<i64>,
        at: i64,
    ) -> Result<(), StoreError> {
        let is_member = self
            .organizations
            .get(&organization_pk)
            .is_some_and(|o| o.role == OrgRole::Member);
        if points == 0 || !is_member {
            return Ok(());
        }
        self.ledger_n += 1;
        score::append_ledger(
            self.connection,
            &LedgerEntry {
                n: self.ledger_n,
                at,
                organization_pk,
                component: component.as_str().to_owned(),
                points,
                reason,
                stix_id: stix_id.map(str::to_owned),
                counterpart_pk,
            },
        )
        .await
    }

    /// Whether the organisation could read the report, by the rules TAXII reads use.
    fn sees(&self, organization_pk: i64, report: &ReportRow) -> bool {
        let (Some(organization), Some(collection)) = (
            self.organizations.get(&organization_pk),
            self.collections.get(&report.collection_pk),
        ) else {
            return false;
        };
        sharing::may_read_version(
            &sharing::organization_principal(organization),
            collection,
            &report.tlp,
            report.organization_pk,
            &report.recipients,
        )
    }

    async fn on_version(&mut self, version: &VersionFact) -> Result<(), StoreError> {
        let Ok(object) = serde_json::from_str::<Map<String, Value>>(&version.body) else {
            return Ok(());
        };
        let first =
            score::first_submission(self.connection, &version.stix_id, version.producer_pk).await?;
        if !first {
            if object.get("revoked") == Some(&Value::Bool(true)) {
                self.on_revocation(version).await?;
            }
            return self.on_copy(version, &object).await;
        }
        match version.stix_type.as_str() {
            "sighting" | "opinion" => {
                // Only the object's creator speaks through it; a re-share is not a
                // second sighting or opinion.
                if score::submitted_by_others(
                    self.connection,
                    &version.stix_id,
                    version.producer_pk,
                )
                .await?
                {
                    return Ok(());
                }
                if version.stix_type == "sighting" {
                    self.on_sighting(version, &object).await
                } else {
                    self.on_opinion(version, &object).await
                }
            }
            "relationship" => self.on_relationship(version, &object).await,
            _ => self.on_report(version, &object).await,
        }
    }

    /// The same organisation's object in one more collection: no credit, but it widens
    /// who could see it (for later re-posts, sightings and opinions).
    async fn on_copy(
        &mut self,
        version: &VersionFact,
        object: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        if score::reports_of_object(self.connection, &version.stix_id)
            .await?
            .is_empty()
            || score::reported_in(self.connection, &version.stix_id, version.collection_pk).await?
        {
            return Ok(());
        }
        let observables: Vec<(String, String)> = observable::extract(object)
            .iter()
            .map(|o| (o.kind.as_str().to_owned(), o.value.clone()))
            .collect();
        let report = ReportRow {
            seq: version.seq,
            stix_id: version.stix_id.clone(),
            organization_pk: version.producer_pk,
            collection_pk: version.collection_pk,
            tlp: version.tlp.clone(),
            recipients: version.recipients.clone(),
            at: version.at,
            relation: "own".to_owned(),
        };
        score::insert_report(
            self.connection,
            &report,
            &version.stix_type,
            0,
            &observables,
        )
        .await
    }

    /// Whether the organisation could see the object id in any collection.
    async fn sees_object(
        &mut self,
        organization_pk: i64,
        stix_id: &str,
    ) -> Result<bool, StoreError> {
        let reports = score::reports_of_object(self.connection, stix_id).await?;
        Ok(reports.iter().any(|r| self.sees(organization_pk, r)))
    }

    async fn on_report(
        &mut self,
        version: &VersionFact,
        object: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        let observables = observable::extract(object);
        let is_indicator = version.stix_type == "indicator";
        if observables.is_empty() && !is_indicator {
            return Ok(());
        }
        let producer = version.producer_pk;
        let mut earlier: BTreeMap<i64, ReportRow> = BTreeMap::new();
        let mut new_observables = Vec::new();
        let mut all_mine_before = true;
        for found in &observables {
            let (kind, value) = (found.kind.as_str(), found.value.as_str());
            let mine = score::reported_by(self.connection, kind, value, producer).await?;
            all_mine_before &= mine;
            let others = score::reports_by_others(
                self.connection,
                kind,
                value,
                producer,
                REPORTS_PER_OBSERVABLE,
            )
            .await?;
            if others.is_empty() && !mine {
                new_observables.push(found.to_string());
            }
            for report in others {
                earlier.insert(report.seq, report);
            }
        }
        let relation = if observables.is_empty() {
            "none"
        } else if !new_observables.is_empty() {
            "first"
        } else if all_mine_before {
            "own"
        } else if earlier.values().any(|r| self.sees(producer, r)) {
            "repost"
        } else {
            "independent"
        };
        // The coordination center's copies (escalations, advisories) repeat what members
        // reported: they are not further correlations.
        let by_member = self
            .organizations
            .get(&producer)
            .is_some_and(|o| o.role == OrgRole::Member);
        let correlations = if relation == "own" || !by_member {
            0
        } else {
            for seq in earlier.keys().take(CORRELATIONS_RAISED) {
                score::add_correlation(self.connection, *seq).await?;
            }
            earlier.len() as i64
        };
        let report = ReportRow {
            seq: version.seq,
            stix_id: version.stix_id.clone(),
            organization_pk: producer,
            collection_pk: version.collection_pk,
            tlp: version.tlp.clone(),
            recipients: version.recipients.clone(),
            at: version.at,
            relation: relation.to_owned(),
        };
        let pairs: Vec<(String, String)> = observables
            .iter()
            .map(|o| (o.kind.as_str().to_owned(), o.value.clone()))
            .collect();
        score::insert_report(
            self.connection,
            &report,
            &version.stix_type,
            correlations,
            &pairs,
        )
        .await?;

        // A re-share of an object someone else created is a report, never a credit;
        // re-posts and repeats earn nothing.
        if matches!(relation, "repost" | "own")
            || score::object_state(self.connection, &version.stix_id)
                .await?
                .is_some()
        {
            return Ok(());
        }
        let at = version.at;
        let mut state = ObjectState {
            stix_id: version.stix_id.clone(),
            organization_pk: producer,
            report_seq: version.seq,
            relation: relation.to_owned(),
            provisional: 0,
            completeness: if is_indicator {
                completeness::of(object)
            } else {
                0
            },
            related: false,
            related_paid: false,
            confirmed_at: None,
            timeliness_paid: false,
            corroborators: 0,
            analyst_confirmed: false,
            revoked_at: None,
            fp_state: "none".into(),
            fp_penalised: false,
        };
        let id = Some(version.stix_id.as_str());
        if relation == "independent" {
            let example = observables
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            self.credit(
                producer,
                Component::Novelty,
                rules::NOVELTY_INDEPENDENT,
                format!("found independently what another organisation shared first ({example})"),
                id,
                None,
                at,
            )
            .await?;
            state.confirmed_at = Some(at);
            self.pay_completeness(&mut state, at).await?;
            score::save_object_state(self.connection, &state).await?;
            self.corroborate_earlier(producer, &earlier, at).await?;
            return Ok(());
        }
        // A first report (or an indicator whose pattern names no observable).
        let day = rules::day_of(at);
        let (paid_today, _) = score::bump_daily(self.connection, producer, day, 0, 0).await?;
        let pay = rules::NOVELTY_UNCONFIRMED
            .min(rules::UNCONFIRMED_DAILY_ALLOWANCE - paid_today)
            .max(0);
        if pay > 0 {
            score::bump_daily(self.connection, producer, day, pay, 0).await?;
            state.provisional = pay;
            let what = match new_observables.as_slice() {
                [] => "an indicator whose pattern names no observable".to_owned(),
                [one] => format!("first to share {one}"),
                [one, rest @ ..] => format!("first to share {one} and {} more", rest.len()),
            };
            self.credit(
                producer,
                Component::Novelty,
                pay,
                format!(
                    "{what}; unconfirmed ({} more once another organisation corroborates it)",
                    rules::NOVELTY_FULL - pay
                ),
                id,
                None,
                at,
            )
            .await?;
        } else if state.completeness == 0 {
            self.credit(
                producer,
                Component::Padding,
                rules::PADDING,
                format!(
                    "unconfirmed object without context past the daily allowance of {} unconfirmed novelty points",
                    rules::UNCONFIRMED_DAILY_ALLOWANCE
                ),
                id,
                None,
                at,
            )
            .await?;
        }
        score::save_object_state(self.connection, &state).await
    }

    /// An independent report corroborates the earlier reports it matches, and gives the
    /// first of them its timeliness.
    async fn corroborate_earlier(
        &mut self,
        finder: i64,
        earlier: &BTreeMap<i64, ReportRow>,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut done = std::collections::HashSet::new();
        for report in earlier.values() {
            if !done.insert(report.stix_id.clone()) {
                continue;
            }
            let Some(mut state) = score::object_state(self.connection, &report.stix_id).await?
            else {
                continue;
            };
            if state.organization_pk == finder {
                continue;
            }
            if state.relation == "first" && !state.timeliness_paid {
                state.timeliness_paid = true;
                let lead = at - report.at;
                self.credit(
                    state.organization_pk,
                    Component::Timeliness,
                    rules::timeliness(lead),
                    format!(
                        "lead of {} over the next independent reporter",
                        rules::describe_lead(lead)
                    ),
                    Some(&state.stix_id),
                    Some(finder),
                    at,
                )
                .await?;
            }
            self.corroborate(&mut state, finder, How::Report, at)
                .await?;
            score::save_object_state(self.connection, &state).await?;
        }
        Ok(())
    }

    /// Another organisation's sighting or independent report: damped per pair, more
    /// when a further organisation agrees; it confirms the object.
    async fn corroborate(
        &mut self,
        state: &mut ObjectState,
        by: i64,
        how: How,
        at: i64,
    ) -> Result<(), StoreError> {
        if by == state.organization_pk
            || !score::add_corroborator(self.connection, &state.stix_id, by, how.as_str(), at)
                .await?
        {
            return Ok(());
        }
        let earlier = score::bump_pair(self.connection, state.organization_pk, by).await?;
        let what = match how {
            How::Sighting => "a sighting",
            How::Report => "an independent report",
        };
        self.credit(
            state.organization_pk,
            Component::Corroboration,
            rules::damped(rules::CORROBORATION, earlier),
            format!(
                "corroborated by another organisation's {what} (corroboration {} between this pair of organisations)",
                earlier + 1
            ),
            Some(&state.stix_id),
            Some(by),
            at,
        )
        .await?;
        if (1..=rules::FURTHER_AGREEMENT_MAX).contains(&state.corroborators) {
            self.credit(
                state.organization_pk,
                Component::Corroboration,
                rules::FURTHER_AGREEMENT,
                format!(
                    "{} organisations besides the producer agree",
                    state.corroborators + 1
                ),
                Some(&state.stix_id),
                Some(by),
                at,
            )
            .await?;
        }
        state.corroborators += 1;
        if how == How::Sighting {
            self.credit(
                by,
                Component::Feedback,
                rules::damped(rules::SIGHTING_FEEDBACK, earlier),
                "sighted another organisation's indicator".to_owned(),
                Some(&state.stix_id),
                Some(state.organization_pk),
                at,
            )
            .await?;
        }
        self.confirm(state, at).await
    }

    /// The first corroboration (or an analyst's confirmation) pays the rest of the
    /// novelty and the completeness.
    async fn confirm(&mut self, state: &mut ObjectState, at: i64) -> Result<(), StoreError> {
        if state.confirmed_at.is_some()
            || state.revoked_at.is_some()
            || matches!(state.fp_state.as_str(), "reported" | "confirmed")
        {
            return Ok(());
        }
        state.confirmed_at = Some(at);
        if matches!(state.relation.as_str(), "first" | "none") {
            self.credit(
                state.organization_pk,
                Component::Novelty,
                rules::NOVELTY_FULL - state.provisional,
                "confirmed: the rest of the novelty credit".to_owned(),
                Some(&state.stix_id),
                None,
                at,
            )
            .await?;
        }
        self.pay_completeness(state, at).await
    }

    async fn pay_completeness(
        &mut self,
        state: &mut ObjectState,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut names = completeness::names(state.completeness);
        if state.related && !state.related_paid {
            state.related_paid = true;
            names.push("a relationship");
        }
        self.credit(
            state.organization_pk,
            Component::Completeness,
            rules::COMPLETENESS_PER_PROPERTY * names.len() as i64,
            format!("confirmed indicator carries {}", names.join(", ")),
            Some(&state.stix_id),
            None,
            at,
        )
        .await
    }

    async fn on_relationship(
        &mut self,
        version: &VersionFact,
        object: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        for end in ["source_ref", "target_ref"] {
            let Some(id) = object.get(end).and_then(Value::as_str) else {
                continue;
            };
            let Some(mut state) = score::object_state(self.connection, id).await? else {
                continue;
            };
            if state.organization_pk != version.producer_pk || state.related {
                continue;
            }
            state.related = true;
            if state.confirmed_at.is_some() {
                state.related_paid = true;
                self.credit(
                    state.organization_pk,
                    Component::Completeness,
                    rules::COMPLETENESS_PER_PROPERTY,
                    "confirmed indicator gained a relationship".to_owned(),
                    Some(id),
                    None,
                    version.at,
                )
                .await?;
            }
            score::save_object_state(self.connection, &state).await?;
        }
        Ok(())
    }

    async fn on_sighting(
        &mut self,
        version: &VersionFact,
        object: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        let Some(of) = object.get("sighting_of_ref").and_then(Value::as_str) else {
            return Ok(());
        };
        if !self.sees_object(version.producer_pk, of).await? {
            return Ok(());
        }
        let Some(mut state) = score::object_state(self.connection, of).await? else {
            return Ok(());
        };
        self.corroborate(&mut state, version.producer_pk, How::Sighting, version.at)
            .await?;
        score::save_object_state(self.connection, &state).await
    }

    /// `opinion` `disagree`/`strongly-disagree` naming an object reports a false
    /// positive; two organisations' reports make it count.
    async fn on_opinion(
        &mut self,
        version: &VersionFact,
        object: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        let opinion = object.get("opinion").and_then(Value::as_str);
        if !matches!(opinion, Some("disagree" | "strongly-disagree")) {
            return Ok(());
        }
        let refs: Vec<&str> = object
            .get("object_refs")
            .and_then(Value::as_array)
            .map(|refs| refs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let reporter = version.producer_pk;
        for id in refs {
            let Some(mut state) = score::object_state(self.connection, id).await? else {
                continue;
            };
            if state.organization_pk == reporter || !self.sees_object(reporter, id).await? {
                continue;
            }
            let reporters =
                score::add_false_positive_report(self.connection, id, reporter, version.at).await?;
            if state.fp_state == "none"
                && state.revoked_at.is_none()
                && reporters.len() as i64 >= rules::FALSE_POSITIVE_REPORTS
            {
                state.fp_state = "reported".into();
                state.fp_penalised = true;
                self.credit(
                    state.organization_pk,
                    Component::FalsePositive,
                    rules::FALSE_POSITIVE,
                    format!(
                        "false positive: reported independently by {} organisations",
                        reporters.len()
                    ),
                    Some(id),
                    Some(reporter),
                    version.at,
                )
                .await?;
                score::save_object_state(self.connection, &state).await?;
            }
        }
        Ok(())
    }

    async fn on_revocation(&mut self, version: &VersionFact) -> Result<(), StoreError> {
        let Some(mut state) = score::object_state(self.connection, &version.stix_id).await? else {
            return Ok(());
        };
        if state.organization_pk != version.producer_pk || state.revoked_at.is_some() {
            return Ok(());
        }
        state.revoked_at = Some(version.at);
        if !state.fp_penalised {
            self.credit(
                state.organization_pk,
                Component::Revocation,
                rules::REVOCATION,
                "withdrew (revoked) its own indicator".to_owned(),
                Some(&state.stix_id),
                None,
                version.at,
            )
            .await?;
        }
        score::save_object_state(self.connection, &state).await
    }

    async fn on_refused(
        &mut self,
        organization_pk: i64,
        at: i64,
        count: i64,
    ) -> Result<(), StoreError> {
        let day = rules::day_of(at);
        let (_, before) =
            score::bump_daily(self.connection, organization_pk, day, 0, count).await?;
        let free = (rules::REFUSALS_DAILY_ALLOWANCE - before).max(0);
        let excess = count - count.min(free);
        self.credit(
            organization_pk,
            Component::Refusals,
            rules::REFUSAL * excess,
            format!(
                "{excess} refused object(s) past the daily allowance of {}",
                rules::REFUSALS_DAILY_ALLOWANCE
            ),
            None,
            None,
            at,
        )
        .await
    }

    async fn on_decision(&mut self, event: &TriageEvent) -> Result<(), StoreError> {
        let by_analyst = self
            .organizations
            .get(&event.organization_pk)
            .is_some_and(|o| o.role != OrgRole::Member);
        let Some(mut state) = score::object_state(self.connection, &event.stix_id).await? else {
            return Ok(());
        };
        if !by_analyst {
            return Ok(());
        }
        let producer = state.organization_pk;
        let id = event.stix_id.clone();
        let at = event.at;
        match event.action {
            TriageAction::Confirm => {
                if state.analyst_confirmed
                    || matches!(state.fp_state.as_str(), "reported" | "confirmed")
                {
                    return Ok(());
                }
                state.analyst_confirmed = true;
                self.credit(
                    producer,
                    Component::Confirmation,
                    rules::ANALYST_CONFIRMATION,
                    "confirmed by a coordination-center analyst".to_owned(),
                    Some(&id),
                    None,
                    at,
                )
                .await?;
                self.confirm(&mut state, at).await?;
            }
            TriageAction::FalsePositive => {
                if state.fp_state == "confirmed" {
                    return Ok(());
                }
                if !state.fp_penalised && state.revoked_at.is_none() {
                    state.fp_penalised = true;
                    self.credit(
                        producer,
                        Component::FalsePositive,
                        rules::FALSE_POSITIVE,
                        "false positive confirmed by a coordination-center analyst".to_owned(),
                        Some(&id),
                        None,
                        at,
                    )
                    .await?;
                }
                state.fp_state = "confirmed".into();
                for reporter in score::false_positive_reporters(self.connection, &id).await? {
                    self.credit(
                        reporter,
                        Component::Feedback,
                        rules::FALSE_POSITIVE_FEEDBACK,
                        "reported a false positive that an analyst confirmed".to_owned(),
                        Some(&id),
                        Some(producer),
                        at,
                    )
                    .await?;
                }
            }
            TriageAction::RejectFalsePositive => {
                let was = std::mem::replace(&mut state.fp_state, "rejected".into());
                if std::mem::take(&mut state.fp_penalised) {
                    self.credit(
                        producer,
                        Component::FalsePositive,
                        -rules::FALSE_POSITIVE,
                        "an analyst rejected the false-positive reports".to_owned(),
                        Some(&id),
                        None,
                        at,
                    )
                    .await?;
                }
                if was == "confirmed" {
                    for reporter in score::false_positive_reporters(self.connection, &id).await? {
                        self.credit(
                            reporter,
                            Component::Feedback,
                            -rules::FALSE_POSITIVE_FEEDBACK,
                            "an analyst rejected the false positive it had confirmed".to_owned(),
                            Some(&id),
                            Some(producer),
                            at,
                        )
                        .await?;
                    }
                }
            }
            _ => return Ok(()),
        }
        score::save_object_state(self.connection, &state).await
    }
}
