//! The object page: the object, its pattern as a tree, observables, correlated reports
//! on a timeline, sightings, versions, and for analysts the triage state, history and
//! action forms. What the viewer may not read is 404 or absent, as in TAXII.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleError;
use super::layout::{page, respond, tlp_badge, when};
use super::pages::{scope_of, state_key};
use super::session::Viewer;
use crate::sharing::{self, Principal};
use crate::stix::id::StixId;
use crate::stix::observable::{self, Observable};
use crate::storage::Store;
use crate::storage::console::VersionRow;

/// One correlated report: another object sharing observables with this one.
struct Correlated {
    stix_id: String,
    stix_type: String,
    collection: String,
    date_added: i64,
    organization: String,
    sector: String,
    tlp: String,
    observables: BTreeSet<String>,
}

#[derive(Deserialize)]
struct ObjectQuery {
    #[serde(default)]
    done: String,
}

/// The object page. Hidden objects are 404, as in TAXII.
pub async fn object(
    request: HttpRequest,
    viewer: Viewer,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = viewer.lang;
    let analyst = viewer.principal.sees_everything();
    let not_found = || ConsoleError::NotFound(format!("no object '{path}' is available to you"));
    let id = StixId::parse(&path).map_err(|_| not_found())?.to_string();
    let scope = scope_of(&store, &viewer.principal).await?;
    let versions = store.object_versions(&id, scope.as_ref()).await?;
    let latest = versions
        .iter()
        .find(|v| v.is_latest)
        .or(versions.first())
        .ok_or_else(not_found)?
        .clone();
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&latest.body)
        .map_err(|e| ConsoleError::Store(crate::storage::StoreError::Corrupt(e.to_string())))?;
    let pretty = serde_json::to_string_pretty(&object).unwrap_or_else(|_| latest.body.clone());
    let (pattern_markup, mut observables) = match object.get("pattern").and_then(|p| p.as_str()) {
        Some(text)
            if object
                .get("pattern_type")
                .and_then(|t| t.as_str())
                .unwrap_or("stix")
                == "stix" =>
        {
            let (markup, observables) = super::pattern::render(text);
            (Some(markup), observables)
        }
        _ => (None, Vec::new()),
    };
    if observables.is_empty() {
        observables = observable::extract(&object);
    }
    let correlated = correlated(&store, &viewer.principal, &id, &observables).await?;
    let sightings = store.sightings_of(&id, scope.as_ref()).await?;
    let (history, state, analysts) = if analyst {
        (
            store.triage_history(&id).await?,
            store.console_triage_state(&id).await?,
            store.console_analysts().await?,
        )
    } else {
        Default::default()
    };
    let organizations = if analyst {
        store
            .organizations()
            .await?
            .into_iter()
            .map(|o| (o.pk, o.slug))
            .collect::<BTreeMap<_, _>>()
    } else {
        BTreeMap::new()
    };
    let title = object
        .get("name")
        .and_then(|n| n.as_str())
        .map_or_else(|| id.clone(), str::to_owned);
    let done = done_action(&request);
    let body = html! {
        @if let Some(done) = done { p class="notice" id="notice" { (lang.t("done")) " (" (done.as_str()) ")" } }
        p {
            code id="object-id" { (id) } " · " (latest.collection) " · " (tlp_badge(&latest.tlp))
            @if analyst {
                " · " (lang.t("sector")) ": " (latest.sector)
                " · " (lang.t("producer")) ": " strong id="producer" { (latest.producer) }
                " · " (lang.t("state")) ": " span id="state" { (lang.t(state_key(state.state.as_deref(), state.assignee.as_deref()))) }
                @if let Some(assignee) = &state.assignee { " (" (assignee) ")" }
                @if let Some(copy) = &state.escalated {
                    " · " (lang.t("escalated")) ": " a href={ "/console/objects/" (copy) "/" } id="escalated-copy" { (copy) }
                }
            }
        }
        @if let Some(description) = object.get("description").and_then(|d| d.as_str()) {
            p id="description" { (description) }
        }
        div class="grid" {
            div {
                @if let Some(markup) = pattern_markup {
                    section { h2 { (lang.t("pattern")) } (markup) }
                }
                section {
                    h2 { (lang.t("observables")) }
                    @if observables.is_empty() { p { "—" } }
                    ul id="observables" {
                        @for o in &observables { li { code { (o.kind.as_str()) ": " (o.value) } } }
                    }
                }
                section {
                    h2 { (lang.t("correlated")) }
                    (timeline(&correlated))
                    @if correlated.is_empty() { p { "—" } } @else {
                        table id="correlated" {
                            thead { tr {
                                th { (lang.t("added")) } th { (lang.t("object")) } th { (lang.t("sector")) }
                                @if analyst { th { (lang.t("producer")) } }
                                th { (lang.t("collection")) } th { (lang.t("tlp")) } th { (lang.t("observables")) }
                            } }
                            tbody { @for c in &correlated { tr {
                                td { (when(c.date_added)) }
                                td { a href={ "/console/objects/" (c.stix_id) "/" } { (c.stix_type) " " (short(&c.stix_id)) } }
                                td { (c.sector) }
                                @if analyst { td { (c.organization) } }
                                td { (c.collection) } td { (tlp_badge(&c.tlp)) }
                                td { @for o in &c.observables { code { (o) } " " } }
                            } } }
                        }
                    }
                }
                section {
                    h2 { (lang.t("sightings")) }
                    @if sightings.is_empty() { p { "—" } } @else {
                        table id="sightings" { tbody { @for s in &sightings { tr {
                            td { (when(s.date_added)) } td { (s.sector) }
                            @if analyst { td { (s.producer) } }
                            td { a href={ "/console/objects/" (sighting_id(s)) "/" } { (short(&sighting_id(s))) } }
                            td { (lang.t("count")) ": " (sighting_count(s)) }
                        } } } }
                    }
                }
                section {
                    h2 { (lang.t("versions")) }
                    table id="versions" { tbody { @for v in &versions { tr {
                        td { (v.version) } td { (when(v.date_added)) } td { (v.collection) } td { (tlp_badge(&v.tlp)) }
                        td { @if v.is_latest { (lang.t("latest")) } }
                    } } } }
                }
                @if analyst {
                    section {
                        h2 { (lang.t("triage-history")) }
                        @if history.is_empty() { p { "—" } } @else {
                            table id="triage-history" {
                                thead { tr { th { (lang.t("when")) } th { (lang.t("who")) } th { (lang.t("action")) } th { (lang.t("detail")) } } }
                                tbody { @for e in &history { tr {
                                    td { (when(e.at)) }
                                    td { (e.analyst) " (" (organizations.get(&e.organization_pk).cloned().unwrap_or_default()) ")" }
                                    td class="triage-action" { (e.action.as_str()) }
                                    td { (detail_text(&e.detail)) }
                                } } }
                            }
                        }
                    }
                }
            }
            div {
                @if analyst { (super::actions::forms(lang, &viewer, &id, &latest, &analysts)) }
                section { h2 { (lang.t("json")) } pre id="json" { (pretty) } }
            }
        }
    };
    Ok(respond(
        &request,
        StatusCode::OK,
        page(lang, Some(&viewer), &title, body),
    ))
}

/// The action just completed (`?done=<action>`): only known actions, so a crafted link
/// cannot put its own words on the page.
fn done_action(request: &HttpRequest) -> Option<crate::storage::triage::TriageAction> {
    serde_urlencoded::from_str::<ObjectQuery>(request.query_string())
        .ok()
        .and_then(|q| crate::storage::triage::TriageAction::parse(q.done.trim()))
}

pub fn short(id: &str) -> String {
    match id.split_once("--") {
        Some((_, uuid)) => uuid.chars().take(8).collect(),
        None => id.to_owned(),
    }
}

fn sighting_id(row: &VersionRow) -> String {
    serde_json::from_str::<serde_json::Value>(&row.body)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn sighting_count(row: &VersionRow) -> i64 {
    serde_json::from_str::<serde_json::Value>(&row.body)
        .ok()
        .and_then(|v| v["count"].as_i64())
        .unwrap_or(1)
}

fn detail_text(detail: &serde_json::Value) -> String {
    match detail.as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(text) => format!("{k}: {text}"),
                None => format!("{k}: {v}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        None => detail.to_string(),
    }
}

/// Other objects that report this one's observables, as `principal` may see them
/// (the same rule as `GET /correlations/`), oldest first.
async fn correlated(
    store: &Store,
    principal: &Principal,
    id: &str,
    observables: &[Observable],
) -> Result<Vec<Correlated>, ConsoleError> {
    let readable: Vec<i64> = store
        .collections()
        .await?
        .iter()
        .filter(|c| sharing::access(principal, c).read)
        .map(|c| c.pk)
        .collect();
    let mut found: BTreeMap<(String, String), Correlated> = BTreeMap::new();
    for o in observables.iter().take(50) {
        let reports = store
            .observable_reports(
                o.kind.as_str(),
                &o.value,
                &readable,
                sharing::visibility(principal),
            )
            .await?;
        for r in reports.into_iter().filter(|r| r.stix_id != id) {
            found
                .entry((r.stix_id.clone(), r.collection.clone()))
                .or_insert_with(|| Correlated {
                    stix_id: r.stix_id.clone(),
                    stix_type: r.stix_type.clone(),
                    collection: r.collection.clone(),
                    date_added: r.date_added,
                    organization: r.organization.clone(),
                    sector: r.sector.clone(),
                    tlp: r.tlp.clone(),
                    observables: BTreeSet::new(),
                })
                .observables
                .insert(format!("{}: {}", o.kind.as_str(), o.value));
        }
    }
    let mut list: Vec<Correlated> = found.into_values().collect();
    list.sort_by_key(|c| c.date_added);
    Ok(list)
}

/// The correlated reports on a time line: one dot per report, by sector.
fn timeline(reports: &[Correlated]) -> Markup {
    if reports.is_empty() {
        return html! {};
    }
    let first = reports.first().map_or(0, |r| r.date_added);
    let last = reports.last().map_or(0, |r| r.date_added);
    let span = (last - first).max(1) as f64;
    let sectors: Vec<&str> = reports
        .iter()
        .map(|r| r.sector.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let width = 640.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox={ "0 0 660 " (40 + 16 * sectors.len()) } id="timeline" role="img" {
            line x1="10" y1="20" x2="650" y2="20" stroke="#8a96a3" {}
            @for r in reports {
                @let x = 10.0 + (r.date_added - first) as f64 / span * width;
                @let i = sectors.iter().position(|s| *s == r.sector).unwrap_or(0);
                circle cx=(format!("{x:.1}")) cy="20" r="6" fill=(color(i)) { title { (when(r.date_added)) " " (r.sector) } }
            }
            @for (i, sector) in sectors.iter().enumerate() {
                rect x="10" y=(32 + 16 * i) width="10" height="10" fill=(color(i)) {}
                text x="26" y=(41 + 16 * i) font-size="11" { (sector) }
            }
        }
        p style="font-size:.8rem" { (when(first)) " → " (when(last)) }
    }
}

pub fn color(index: usize) -> &'static str {
    const PALETTE: [&str; 15] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    ];
    PALETTE[index % PALETTE.len()]
}
