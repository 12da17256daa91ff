//! Triage actions: confirm, false positive (and rejecting members' false-positive
//! reports), escalate to `cross-sector`, publish an advisory, assign, comment. Each one
//! is a triage event recorded with its audit entry in one transaction
//! (`Store::record_triage`); decisions feed the contribution ledger.
//!
//! Escalation copies a TLP:CLEAR or TLP:GREEN object into `cross-sector` as the
//! coordination center's own object (new id, `created_by_ref` the hub's identity, an
//! external reference to the original); advisories are STIX reports in `advisories`.
//! Both go through the validation and storage path of TAXII "Add Objects", so fan-out
//! and observables follow.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::ConsoleError;
use super::i18n::Lang;
use super::pages::parse_form;
use super::session::{Analyst, Viewer};
use crate::config::Settings;
use crate::sharing::Role;
use crate::sharing::anonymity::hub_identity;
use crate::stix::id::StixId;
use crate::stix::timestamp::{Instant, TaxiiTimestamp};
use crate::stix::tlp::Tlp;
use crate::stix::validate::RECIPIENTS_PROPERTY;
use crate::storage::audit::AuditEntry;
use crate::storage::console::VersionRow;
use crate::storage::triage::{NewTriageEvent, TriageAction};
use crate::storage::{Store, Submission};

/// TLP 2.0 marking definitions the hub writes on the copies and advisories it makes.
fn tlp2_marking(tlp: Tlp) -> Option<&'static str> {
    match tlp {
        Tlp::Clear => Some("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
        Tlp::Green => Some("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"),
        Tlp::Amber => Some("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
        _ => None,
    }
}

/// Whether an object of this effective TLP may be escalated to every sector.
pub fn may_escalate(tlp: &str) -> bool {
    matches!(tlp, "clear" | "green")
}

/// The action forms of the object page.
pub fn forms(
    lang: Lang,
    viewer: &Viewer,
    id: &str,
    latest: &VersionRow,
    analysts: &[String],
) -> Markup {
    let action = |name: &str| format!("/console/objects/{id}/actions/{name}/");
    let csrf = html! { input type="hidden" name="csrf" value=(viewer.csrf); };
    html! {
        section class="actions" id="actions" {
            h2 { (lang.t("actions")) }
            form method="post" action=(action("confirm")) {
                (csrf) button type="submit" id="action-confirm" { (lang.t("confirm")) }
            }
            form method="post" action=(action("false-positive")) {
                (csrf) button type="submit" id="action-false-positive" { (lang.t("mark-false-positive")) }
            }
            form method="post" action=(action("reject-false-positive")) {
                (csrf) button type="submit" id="action-reject-false-positive" { (lang.t("reject-false-positive")) }
            }
            form method="post" action=(action("escalate")) {
                (csrf)
                button type="submit" id="action-escalate" { (lang.t("escalate")) }
                @if !may_escalate(&latest.tlp) { p class="problem" { (lang.t("escalation-rule")) } }
                @else { p style="font-size:.8rem" { (lang.t("escalation-rule")) } }
            }
            form method="post" action=(action("advisory")) {
                (csrf)
                label { (lang.t("name")) br; input type="text" name="name" id="advisory-name" size="50" required; } br;
                label { (lang.t("description")) br; textarea name="description" id="advisory-description" rows="3" cols="50" {} } br;
                label { "TLP " select name="tlp" id="advisory-tlp" {
                    option value="clear" { "TLP:CLEAR" } option value="green" selected { "TLP:GREEN" } option value="amber" { "TLP:AMBER" }
                } }
                " " button type="submit" id="action-advisory" { (lang.t("advisory")) }
            }
            form method="post" action=(action("assign")) {
                (csrf)
                input type="text" name="assignee" id="assignee" list="analysts" required;
                datalist id="analysts" { @for a in analysts { option value=(a) {} } }
                " " button type="submit" id="action-assign" { (lang.t("assign")) }
            }
            form method="post" action=(action("comment")) {
                (csrf)
                textarea name="comment" id="comment" rows="3" cols="50" required {} br;
                button type="submit" id="action-comment" { (lang.t("comment")) }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct ActionForm {
    csrf: Option<String>,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    tlp: String,
}

#[derive(Deserialize)]
pub struct ActionPath {
    id: String,
    action: String,
}

fn bounded(field: &str, text: &str, max: usize) -> Result<String, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ConsoleError::BadRequest(format!("'{field}' is required")));
    }
    if text.chars().count() > max {
        return Err(ConsoleError::BadRequest(format!(
            "'{field}' is longer than {max} characters"
        )));
    }
    Ok(text.to_owned())
}

/// `POST /console/objects/{id}/actions/{action}/`: analysts only, with the session's
/// CSRF token; answers with a redirect to the object page.
pub async fn act(
    Analyst(viewer): Analyst,
    path: web::Path<ActionPath>,
    body: web::Bytes,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ConsoleError> {
    let form: ActionForm = parse_form(&body)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let action = TriageAction::parse(&path.action)
        .ok_or_else(|| ConsoleError::NotFound(format!("no action '{}'", path.action)))?;
    let not_found = || ConsoleError::NotFound(format!("no object '{}'", path.id));
    let id = StixId::parse(&path.id)
        .map_err(|_| not_found())?
        .to_string();
    let versions = store.object_versions(&id, None).await?;
    let latest = versions
        .iter()
        .find(|v| v.is_latest)
        .or(versions.first())
        .ok_or_else(not_found)?
        .clone();
    let comment = form.comment.trim();
    let (detail, message) = match action {
        TriageAction::Confirm | TriageAction::FalsePositive | TriageAction::RejectFalsePositive => {
            let detail = if comment.is_empty() {
                json!({})
            } else {
                json!({ "comment": bounded("comment", comment, 4000)? })
            };
            (detail, action.as_str().to_owned())
        }
        TriageAction::Comment => (
            json!({ "comment": bounded("comment", comment, 4000)? }),
            "comment".to_owned(),
        ),
        TriageAction::Assign => {
            let assignee = bounded("assignee", &form.assignee, 200)?;
            (
                json!({ "assignee": assignee }),
                format!("assigned to {assignee}"),
            )
        }
        TriageAction::Escalate => {
            let copy = escalate(&viewer, &store, &settings, &id, &latest).await?;
            (
                json!({ "copy": copy, "collection": "cross-sector", "from": latest.collection }),
                format!("escalated: {copy}"),
            )
        }
        TriageAction::Advisory => {
            let advisory = advisory(&viewer, &store, &settings, &id, &latest, &form).await?;
            (
                json!({ "advisory": advisory, "collection": "advisories" }),
                format!("advisory {advisory}"),
            )
        }
    };
    let event = NewTriageEvent {
        stix_id: id.clone(),
        organization_pk: viewer.principal.org_pk,
        analyst: viewer.analyst.clone(),
        action,
        detail: detail.clone(),
    };
    let audit = AuditEntry {
        organization: viewer.principal.org_slug.clone(),
        role: viewer.principal.role.as_str(),
        action: "triage",
        collection: Some(latest.collection.clone()),
        stix_id: Some(id.clone()),
        detail: json!({ "action": action.as_str(), "analyst": viewer.analyst, "detail": detail })
            .to_string(),
    };
    store.record_triage(&event, audit).await?;
    tracing::info!(stix.id = %id, action = action.as_str(), analyst = %viewer.analyst, "triage");
    tracing::debug!(%message, "triage done");
    let location = format!("/console/objects/{id}/?done={}", action.as_str());
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

/// Validates one object the hub writes and stores it in `collection` as the
/// coordination center's, through TAXII "Add Objects"' path. Returns the stored id.
async fn submit(
    viewer: &Viewer,
    store: &Store,
    settings: &Settings,
    collection_alias: &str,
    object: &Map<String, Value>,
) -> Result<String, ConsoleError> {
    let collection = store.collection(collection_alias).await?.ok_or_else(|| {
        ConsoleError::Conflict(format!("the hub has no '{collection_alias}' collection"))
    })?;
    let text = serde_json::to_string(object)
        .map_err(|e| ConsoleError::BadRequest(format!("the object cannot be written: {e}")))?;
    let raw: Box<serde_json::value::RawValue> = serde_json::value::RawValue::from_string(text)
        .map_err(|e| ConsoleError::BadRequest(format!("the object cannot be written: {e}")))?;
    let options = crate::stix::validate::Options {
        strict: settings.taxii.reject_custom_content,
    };
    let valid = crate::stix::validate::validate_object_with(&raw, 0, &options)
        .map_err(|r| ConsoleError::Conflict(format!("the hub refused it: {}", r.message)))?;
    let id = valid.id.to_string();
    let default_tlp = Tlp::parse(&collection.default_tlp).unwrap_or(Tlp::Green);
    let submission = Submission {
        collection_pk: collection.pk,
        producer_pk: viewer.principal.org_pk,
        may_version_any: viewer.principal.role == Role::Admin,
        audit: Some(crate::audit::entry(
            &viewer.principal,
            "submit",
            &collection.alias,
            Some(&id),
            String::new(),
        )),
        default_tlp,
    };
    let status = store
        .add_objects(&submission, &[valid], Vec::new(), &HashMap::new())
        .await?;
    if status.success_count != 1 {
        let why = status
            .failures
            .first()
            .and_then(|f| f.message.clone())
            .unwrap_or_default();
        return Err(ConsoleError::Conflict(format!("the hub refused it: {why}")));
    }
    Ok(id)
}

fn now_stix() -> String {
    TaxiiTimestamp(Instant::now_micros()).to_string()
}

/// The cross-sector copy of an object (see the module's documentation).
async fn escalate(
    viewer: &Viewer,
    store: &Store,
    settings: &Settings,
    id: &str,
    latest: &VersionRow,
) -> Result<String, ConsoleError> {
    if !may_escalate(&latest.tlp) {
        return Err(ConsoleError::Conflict(format!(
            "TLP:{} does not allow escalation: only TLP:CLEAR and TLP:GREEN objects may be \
             shared with every sector",
            latest.tlp.to_ascii_uppercase()
        )));
    }
    if latest.collection_kind == "cross-sector" {
        return Err(ConsoleError::Conflict(format!(
            "{id} is in cross-sector already"
        )));
    }
    if let Some(copy) = store.console_triage_state(id).await?.escalated {
        return Err(ConsoleError::Conflict(format!(
            "{id} was escalated already: {copy}"
        )));
    }
    let mut object: Map<String, Value> = serde_json::from_str(&latest.body)
        .map_err(|e| ConsoleError::Store(crate::storage::StoreError::Corrupt(e.to_string())))?;
    let type_name = object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let copy_id = format!("{type_name}--{}", uuid::Uuid::new_v4());
    let now = now_stix();
    object.insert("id".into(), Value::String(copy_id));
    if object.contains_key("created") {
        object.insert("created".into(), Value::String(now.clone()));
        object.insert("modified".into(), Value::String(now));
        object.insert("created_by_ref".into(), Value::String(hub_identity()));
    }
    object.remove("x_kyoyu_anonymous");
    object.remove(RECIPIENTS_PROPERTY);
    // The effective TLP may come from the sector collection's default: write it down.
    let marked = object
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .is_some_and(|refs| {
            refs.iter()
                .filter_map(Value::as_str)
                .any(|r| Tlp::of_marking(r).is_some())
        });
    if !marked && let Some(marking) = Tlp::parse(&latest.tlp).and_then(tlp2_marking) {
        let refs = object
            .entry("object_marking_refs")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(refs) = refs {
            refs.push(Value::String(marking.into()));
        }
    }
    if object.contains_key("created") {
        let references = object
            .entry("external_references")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(references) = references {
            references.push(json!({
                "source_name": "kyoyu-escalation",
                "external_id": id,
                "description": "Escalated to cross-sector by the coordination center",
            }));
        }
    }
    submit(viewer, store, settings, "cross-sector", &object).await
}

/// A STIX report in `advisories` about the object. It refers to the object itself when
/// every member reads it, else to its cross-sector copy; an object neither is refused, so
/// an advisory never names an object its readers cannot see.
async fn advisory(
    viewer: &Viewer,
    store: &Store,
    settings: &Settings,
    id: &str,
    latest: &VersionRow,
    form: &ActionForm,
) -> Result<String, ConsoleError> {
    let name = bounded("name", &form.name, 300)?;
    let description = form.description.trim();
    let tlp = match form.tlp.trim() {
        "" | "green" => Tlp::Green,
        "clear" => Tlp::Clear,
        "amber" => Tlp::Amber,
        other => {
            return Err(ConsoleError::BadRequest(format!(
                "an advisory is TLP clear, green or amber, not '{other}'"
            )));
        }
    };
    let everyone_reads = matches!(
        latest.collection_kind.as_str(),
        "cross-sector" | "advisories"
    ) && latest.tlp != "red";
    let target = if everyone_reads {
        id.to_owned()
    } else if let Some(copy) = store.console_triage_state(id).await?.escalated {
        copy
    } else {
        return Err(ConsoleError::Conflict(
            "members outside its sector cannot read this object: escalate it first (TLP \
             permitting), so the advisory refers to the cross-sector copy"
                .into(),
        ));
    };
    let now = now_stix();
    let mut report = Map::new();
    report.insert("type".into(), json!("report"));
    report.insert("spec_version".into(), json!("2.1"));
    report.insert(
        "id".into(),
        json!(format!("report--{}", uuid::Uuid::new_v4())),
    );
    report.insert("created".into(), json!(now));
    report.insert("modified".into(), json!(now));
    report.insert("published".into(), json!(now));
    report.insert("name".into(), json!(name));
    if !description.is_empty() {
        report.insert(
            "description".into(),
            json!(bounded("description", description, 20_000)?),
        );
    }
    report.insert("report_types".into(), json!(["threat-report"]));
    report.insert("object_refs".into(), json!([target]));
    report.insert("created_by_ref".into(), json!(hub_identity()));
    if let Some(marking) = tlp2_marking(tlp) {
        report.insert("object_marking_refs".into(), json!([marking]));
    }
    submit(viewer, store, settings, "advisories", &report).await
}
