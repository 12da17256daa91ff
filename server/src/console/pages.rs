//! The console's pages: sign-in, the analysts' queue, members' read-only listing, the
//! object page, the dashboard and the member's own score. Handlers read, call, render.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleError;
use super::i18n::Lang;
use super::layout::{page, respond, tlp_badge, when};
use super::session::{
    self, Analyst, SESSION_COOKIE, SIGN_IN_COOKIE, SignInForm, Viewer, cookie, over_tls,
    random_token, same_token, set_cookie,
};
use crate::auth::{JwtKeys, api_key};
use crate::config::Settings;
use crate::scoring::{Scope as ScoreScope, Scoring};
use crate::sharing::{self, Principal};
use crate::stix::id::StixId;
use crate::stix::observable::{self, Observable};
use crate::stix::timestamp::Instant;
use crate::storage::Store;
use crate::storage::console::{QueueFilter, QueueRow, Scope, VersionRow};

/// Types offered in the queue's type filter.
const TYPES: &[&str] = &[
    "indicator",
    "sighting",
    "report",
    "note",
    "opinion",
    "malware",
    "observed-data",
    "threat-actor",
    "campaign",
    "attack-pattern",
    "vulnerability",
    "infrastructure",
    "tool",
    "course-of-action",
    "relationship",
    "identity",
];
const TLPS: &[&str] = &["clear", "green", "amber", "amber-strict", "red"];
const STATES: &[&str] = &[
    "new",
    "assigned",
    "confirmed",
    "false-positive",
    "escalated",
];

/// The collections and RED rule a viewer reads; `None` for the coordination center,
/// which reads everything.
pub async fn scope_of(store: &Store, principal: &Principal) -> Result<Option<Scope>, ConsoleError> {
    if principal.sees_everything() {
        return Ok(None);
    }
    let collection_pks = store
        .collections()
        .await?
        .iter()
        .filter(|c| sharing::access(principal, c).read)
        .map(|c| c.pk)
        .collect();
    Ok(Some(Scope {
        collection_pks,
        visibility: sharing::visibility(principal),
    }))
}

pub async fn home(viewer: Viewer) -> HttpResponse {
    let target = if viewer.principal.sees_everything() {
        "/console/queue/"
    } else {
        "/console/objects/"
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish()
}

pub async fn not_found(request: HttpRequest) -> HttpResponse {
    let lang = Lang::of(&request);
    respond(
        &request,
        StatusCode::NOT_FOUND,
        page(
            lang,
            None,
            lang.t("not-found"),
            html! { p { a href="/console/" { (lang.t("back")) } } },
        ),
    )
}

fn sign_in_markup(lang: Lang, csrf: &str, problem: Option<&str>) -> Markup {
    page(
        lang,
        None,
        lang.t("sign-in"),
        html! {
            @if let Some(problem) = problem { p class="problem" id="problem" { (problem) } }
            p { (lang.t("sign-in-intro")) }
            form method="post" action="/console/sign-in/" id="sign-in" {
                input type="hidden" name="csrf" value=(csrf);
                p { label { (lang.t("client-id")) br; input type="text" name="client_id" id="client_id" size="40" autocomplete="username"; } }
                p { label { (lang.t("secret")) br; input type="password" name="secret" id="secret" size="60" autocomplete="current-password"; } }
                p { button type="submit" id="sign-in-button" { (lang.t("sign-in")) } }
            }
        },
    )
}

/// The sign-in form, with a fresh double-submit CSRF token in a short-lived cookie.
pub async fn sign_in_page(request: HttpRequest, settings: web::Data<Settings>) -> HttpResponse {
    let lang = Lang::of(&request);
    let csrf = random_token();
    let mut response = respond(&request, StatusCode::OK, sign_in_markup(lang, &csrf, None));
    if let Ok(value) = header::HeaderValue::from_str(&set_cookie(
        SIGN_IN_COOKIE,
        &csrf,
        3600,
        over_tls(&request, &settings),
        true,
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub fn parse_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ConsoleError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| ConsoleError::BadRequest(format!("the form could not be read: {e}")))
}

pub async fn sign_in(
    request: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
    keys: web::Data<JwtKeys>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = Lang::of(&request);
    let form: SignInForm = parse_form(&body)?;
    let expected = cookie(&request, SIGN_IN_COOKIE).unwrap_or_default();
    if !form
        .csrf
        .as_deref()
        .is_some_and(|token| same_token(token, &expected))
    {
        return Err(ConsoleError::Csrf);
    }
    let secure = over_tls(&request, &settings);
    match session::sign_in(&form, &store, &keys, &settings).await {
        Ok(signed_in) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/console/"))
            .append_header((
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &signed_in.cookie_value,
                    signed_in.max_age,
                    secure,
                    true,
                ),
            ))
            .append_header((
                header::SET_COOKIE,
                set_cookie(SIGN_IN_COOKIE, "", 0, secure, true),
            ))
            .finish()),
        Err(error @ (ConsoleError::BadCredentials | ConsoleError::MachineCredential)) => {
            let key = match error {
                ConsoleError::MachineCredential => "machine-credential",
                _ => "bad-credentials",
            };
            Ok(respond(
                &request,
                StatusCode::UNAUTHORIZED,
                sign_in_markup(lang, &expected, Some(lang.t(key))),
            ))
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: Option<String>,
}

pub async fn sign_out(
    request: HttpRequest,
    viewer: Viewer,
    body: web::Bytes,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ConsoleError> {
    let form: CsrfForm = parse_form(&body)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    if let Some(id) = cookie(&request, SESSION_COOKIE) {
        store.end_console_session(&api_key::digest(&id)).await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/console/sign-in/"))
        .append_header((
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, over_tls(&request, &settings), true),
        ))
        .finish())
}

/// The queue's query string.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct QueueQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    sector: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    ceptoar: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    collection: String,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    stix_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    tlp: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    min_correlations: String,
    #[serde(default, skip_serializing)]
    before: String,
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl QueueQuery {
    fn parse(request: &HttpRequest) -> Result<QueueQuery, ConsoleError> {
        serde_urlencoded::from_str(request.query_string())
            .map_err(|e| ConsoleError::BadRequest(format!("the filters could not be read: {e}")))
    }

    fn filter(&self, analyst: bool) -> Result<QueueFilter, ConsoleError> {
        let number = |name: &str, text: &str| -> Result<Option<i64>, ConsoleError> {
            some(text)
                .map(|t| {
                    t.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                        ConsoleError::BadRequest(format!(
                            "'{name}' must be a whole number, not '{t}'"
                        ))
                    })
                })
                .transpose()
        };
        if let Some(tlp) = some(&self.tlp)
            && !TLPS.contains(&tlp.as_str())
        {
            return Err(ConsoleError::BadRequest(format!("unknown TLP '{tlp}'")));
        }
        if let Some(state) = some(&self.state)
            && !STATES.contains(&state.as_str())
        {
            return Err(ConsoleError::BadRequest(format!(
                "unknown triage state '{state}'"
            )));
        }
        Ok(QueueFilter {
            // The producer's sector and CEPTOAR are the coordination center's to filter
            // on: for a member they would reveal who posted objects attributed to the hub.
            sector: some(&self.sector).filter(|_| analyst),
            ceptoar: some(&self.ceptoar).filter(|_| analyst),
            collection: some(&self.collection).filter(|_| !analyst),
            stix_type: some(&self.stix_type),
            tlp: some(&self.tlp),
            // Triage and correlation counts are the coordination center's: a member's
            // view must not count what it cannot see.
            state: some(&self.state).filter(|_| analyst),
            min_correlations: number("min_correlations", &self.min_correlations)?
                .filter(|_| analyst),
        })
    }

    fn before(&self) -> Result<Option<i64>, ConsoleError> {
        some(&self.before)
            .map(|t| {
                t.parse::<i64>().map_err(|_| {
                    ConsoleError::BadRequest(format!("'before' must be a number, not '{t}'"))
                })
            })
            .transpose()
    }
}

fn select(name: &str, lang: Lang, current: &str, options: &[(String, String)]) -> Markup {
    html! {
        select name=(name) id={ "filter-" (name) } {
            option value="" { (lang.t("any")) }
            @for (value, label) in options {
                option value=(value) selected[current == value] { (label) }
            }
        }
    }
}

async fn listing(
    request: &HttpRequest,
    viewer: &Viewer,
    store: &Store,
    settings: &Settings,
) -> Result<HttpResponse, ConsoleError> {
    let lang = viewer.lang;
    let analyst = viewer.principal.sees_everything();
    let query = QueueQuery::parse(request)?;
    let filter = query.filter(analyst)?;
    let before = query.before()?;
    let scope = scope_of(store, &viewer.principal).await?;
    let limit = settings.console.page_size.clamp(1, 500);
    let mut rows = store
        .console_queue(&filter, scope.as_ref(), before, limit)
        .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let sectors: Vec<(String, String)> = store
        .sector_slugs()
        .await?
        .into_iter()
        .map(|s| (s.clone(), s))
        .collect();
    let ceptoars: Vec<(String, String)> = store
        .console_ceptoars()
        .await?
        .into_iter()
        .map(|s| (s.clone(), s))
        .collect();
    let collections: Vec<(String, String)> = store
        .collections()
        .await?
        .into_iter()
        .filter(|c| sharing::access(&viewer.principal, c).read)
        .map(|c| (c.alias.clone(), c.alias))
        .collect();
    let types: Vec<(String, String)> = TYPES
        .iter()
        .map(|t| ((*t).to_owned(), (*t).to_owned()))
        .collect();
    let tlps: Vec<(String, String)> = TLPS
        .iter()
        .map(|t| ((*t).to_owned(), format!("TLP:{}", t.to_ascii_uppercase())))
        .collect();
    let states: Vec<(String, String)> = STATES
        .iter()
        .map(|s| ((*s).to_owned(), lang.t(s).to_owned()))
        .collect();
    let next = rows.last().filter(|_| more).map(|last| {
        let mut pairs = serde_urlencoded::to_string(&query).unwrap_or_default();
        if !pairs.is_empty() {
            pairs.push('&');
        }
        format!("?{pairs}before={}", last.seq)
    });
    let action = if analyst {
        "/console/queue/"
    } else {
        "/console/objects/"
    };
    let title = if analyst {
        lang.t("queue")
    } else {
        lang.t("shared-with-you")
    };
    let body = html! {
        form method="get" action=(action) class="filters" id="filters" {
            @if analyst {
                label { (lang.t("sector")) (select("sector", lang, &query.sector, &sectors)) }
                label { (lang.t("ceptoar")) (select("ceptoar", lang, &query.ceptoar, &ceptoars)) }
            } @else {
                label { (lang.t("collection")) (select("collection", lang, &query.collection, &collections)) }
            }
            label { (lang.t("type")) (select("type", lang, &query.stix_type, &types)) }
            label { (lang.t("tlp")) (select("tlp", lang, &query.tlp, &tlps)) }
            @if analyst {
                label { (lang.t("state")) (select("state", lang, &query.state, &states)) }
                label { (lang.t("min-correlations"))
                    input type="number" min="0" name="min_correlations" id="filter-min_correlations" value=(query.min_correlations) style="width:5rem";
                }
            }
            button type="submit" id="apply-filters" { (lang.t("filter")) }
        }
        (queue_table(lang, analyst, &rows))
        p {
            @if before.is_some() { a href=(action) { (lang.t("newest")) } " " }
            @if let Some(next) = next { a href=(next) id="older" { (lang.t("older")) " →" } }
        }
    };
    Ok(respond(
        request,
        StatusCode::OK,
        page(lang, Some(viewer), title, body),
    ))
}

fn queue_table(lang: Lang, analyst: bool, rows: &[QueueRow]) -> Markup {
    html! {
        @if rows.is_empty() {
            p id="empty" { (lang.t("nothing")) }
        } @else {
            table id="queue" {
                thead { tr {
                    th { (lang.t("added")) } th { (lang.t("type")) } th { (lang.t("name")) }
                    th { (lang.t("tlp")) } @if analyst { th { (lang.t("sector")) } } th { (lang.t("collection")) }
                    @if analyst {
                        th { (lang.t("producer")) } th { (lang.t("ceptoar")) } th { (lang.t("state")) }
                        th { (lang.t("assignee")) } th { (lang.t("correlations")) }
                    }
                } }
                tbody {
                    @for row in rows {
                        tr class="queue-row" data-id=(row.stix_id) {
                            td { (when(row.date_added)) }
                            td { (row.stix_type) }
                            td { a href={ "/console/objects/" (row.stix_id) "/" } class="object-link" {
                                (row.name.clone().unwrap_or_else(|| row.stix_id.clone()))
                            } }
                            td { (tlp_badge(&row.tlp)) }
                            @if analyst { td { (row.sector) } }
                            td { (row.collection) }
                            @if analyst {
                                td { (row.producer) }
                                td { (row.ceptoar.clone().unwrap_or_default()) }
                                td class="state" { (lang.t(state_key(row.state.as_deref(), row.assignee.as_deref()))) }
                                td { (row.assignee.clone().unwrap_or_default()) }
                                td { (row.correlations) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn state_key(state: Option<&str>, assignee: Option<&str>) -> &'static str {
    match (state, assignee) {
        (Some("confirmed"), _) => "confirmed",
        (Some("false-positive"), _) => "false-positive",
        (Some("escalated"), _) => "escalated",
        (_, Some(_)) => "assigned",
        _ => "new",
    }
}

/// The coordination center's triage queue.
pub async fn queue(
    request: HttpRequest,
    Analyst(viewer): Analyst,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ConsoleError> {
    listing(&request, &viewer, &store, &settings).await
}

/// A member's read-only listing of what it may read (analysts get the queue).
pub async fn shared(
    request: HttpRequest,
    viewer: Viewer,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ConsoleError> {
    listing(&request, &viewer, &store, &settings).await
}

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
    let versions = store.console_versions(&id, scope.as_ref()).await?;
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
    let sightings = store.console_sightings(&id, scope.as_ref()).await?;
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

fn short(id: &str) -> String {
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

fn color(index: usize) -> &'static str {
    const PALETTE: [&str; 15] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    ];
    PALETTE[index % PALETTE.len()]
}

/// The coordination center's dashboard.
pub async fn dashboard(
    request: HttpRequest,
    Analyst(viewer): Analyst,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
    scoring: web::Data<Scoring>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = viewer.lang;
    let board: BoardQuery = serde_urlencoded::from_str(request.query_string())
        .map_err(|e| ConsoleError::BadRequest(format!("the query could not be read: {e}")))?;
    let scope = match some(&board.board_sector) {
        Some(sector) => ScoreScope::Sector(sector),
        None => ScoreScope::Overall,
    };
    let standings = scoring.leaderboard(&scope).await?;
    let sectors = store.sector_slugs().await?;
    let now = Instant::now_micros();
    let day = 86_400_000_000_i64;
    let today = now / day;
    let since = (today - 13) * day;
    let counts = store.console_submissions_per_day(since, None).await?;
    let cross = store.console_cross_sector(now - 7 * day, 20).await?;
    let (waiting, oldest) = store.outbox_lag().await?;
    let body = html! {
        div class="grid" {
            section id="per-sector" {
                h2 { (lang.t("per-sector-per-day")) }
                (chart(&counts, today))
            }
            section id="cross-sector" {
                h2 { (lang.t("cross-sector")) }
                @if cross.is_empty() { p { "—" } } @else {
                    table { thead { tr {
                        th { (lang.t("observables")) } th { (lang.t("sector")) } th { (lang.t("organizations")) } th { (lang.t("added")) }
                    } } tbody { @for c in &cross { tr {
                        td { a href={ "/console/objects/" (c.latest_stix_id) "/" } { code { (c.kind) ": " (c.value) } } }
                        td { (c.sectors.join(", ")) } td { (c.organizations) } td { (when(c.last_added)) }
                    } } } }
                }
            }
            section id="leaderboard" {
                h2 { (lang.t("leaderboard")) }
                form method="get" action="/console/dashboard/" class="filters" {
                    label { (lang.t("sector"))
                        select name="board_sector" id="board-sector" {
                            option value="" { (lang.t("any")) }
                            @for s in &sectors { option value=(s) selected[board.board_sector == *s] { (s) } }
                        }
                    }
                    button type="submit" { (lang.t("filter")) }
                }
                @if standings.is_empty() { p { "—" } } @else {
                    table id="leaderboard-table" {
                        thead { tr { th { (lang.t("rank")) } th { (lang.t("producer")) } th { (lang.t("sector")) } th { (lang.t("total")) } th { (lang.t("detail")) } } }
                        tbody { @for s in standings.iter().take(25) { tr class="standing" {
                            td { (s.rank) } td { (s.name) " (" (s.organization) ")" } td { (s.sector) }
                            td { (format!("{:.1}", s.total)) }
                            td style="font-size:.8rem" { @for (component, points) in &s.components { (component) " " (format!("{points:.1}")) " · " } }
                        } } }
                    }
                }
            }
            section id="fanout" {
                h2 { (lang.t("fanout")) }
                table { tbody {
                    tr { th { (lang.t("broker")) } td { @if settings.amqp_url.is_some() { (lang.t("configured")) } @else { (lang.t("not-configured")) } } }
                    tr { th { (lang.t("outbox-waiting")) } td id="outbox-waiting" { (waiting) } }
                    tr { th { (lang.t("outbox-oldest")) } td { @match oldest { Some(at) => { (when(at)) " (" ((now - at) / 1_000_000) " s)" }, None => "—" } } }
                } }
            }
        }
    };
    Ok(respond(
        &request,
        StatusCode::OK,
        page(lang, Some(&viewer), lang.t("dashboard"), body),
    ))
}

/// Stacked bars: one per day, one colour per sector, drawn on the server.
fn chart(counts: &[(String, i64, i64)], today: i64) -> Markup {
    let days: Vec<i64> = (today - 13..=today).collect();
    let sectors: Vec<&str> = counts
        .iter()
        .map(|(s, _, _)| s.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let total = |day: i64| -> i64 {
        counts
            .iter()
            .filter(|(_, d, _)| *d == day)
            .map(|(_, _, n)| n)
            .sum()
    };
    let max = days.iter().map(|d| total(*d)).max().unwrap_or(0).max(1) as f64;
    let (left, top, height, bar) = (40.0, 10.0, 200.0, 30.0);
    let mut rects = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let x = left + i as f64 * (bar + 10.0);
        let mut y = top + height;
        for (j, sector) in sectors.iter().enumerate() {
            let n = counts
                .iter()
                .find(|(s, d, _)| s == sector && d == day)
                .map_or(0, |c| c.2);
            if n > 0 {
                let h = n as f64 / max * height;
                y -= h;
                rects.push((x, y, h, color(j), format!("{sector}: {n}")));
            }
        }
    }
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox={ "0 0 640 " (260 + 16 * sectors.len()) } id="chart" role="img" {
            text x="4" y="16" font-size="11" { (max as i64) }
            line x1=(left) y1=(top + height) x2="630" y2=(top + height) stroke="#8a96a3" {}
            @for (x, y, h, fill, label) in &rects {
                rect x=(format!("{x:.1}")) y=(format!("{y:.1}")) width=(bar) height=(format!("{h:.1}")) fill=(fill) {
                    title { (label) }
                }
            }
            @for (i, day) in days.iter().enumerate() {
                text x=(format!("{:.1}", left + i as f64 * (bar + 10.0) + 2.0)) y=(top + height + 14.0) font-size="10" {
                    (when(day * 86_400_000_000).get(5..10).unwrap_or_default())
                }
            }
            @for (j, sector) in sectors.iter().enumerate() {
                rect x=(left) y=(top + height + 26.0 + 16.0 * j as f64) width="10" height="10" fill=(color(j)) {}
                text x=(left + 16.0) y=(top + height + 35.0 + 16.0 * j as f64) font-size="11" { (sector) }
            }
        }
        @if sectors.is_empty() { p { "—" } }
    }
}

#[derive(Deserialize)]
struct BoardQuery {
    #[serde(default)]
    board_sector: String,
}

/// The viewer's own contribution score: total, components, rank among all members,
/// and the latest ledger rows (without the other organisations' names, as the score
/// API shows members).
pub async fn score(
    request: HttpRequest,
    viewer: Viewer,
    store: web::Data<Store>,
    scoring: web::Data<Scoring>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = viewer.lang;
    let organization = store
        .organization_by_key(viewer.principal.org_pk)
        .await?
        .ok_or_else(|| ConsoleError::NotFound("your organisation is not registered".into()))?;
    let own = scoring.score_with(&organization, 50, None, false).await?;
    let rank = scoring
        .leaderboard(&ScoreScope::Overall)
        .await?
        .into_iter()
        .find(|s| s.organization == organization.slug)
        .map(|s| s.rank);
    let body = html! {
        p { (viewer.organization_name) " (" (viewer.principal.org_slug) ")" }
        table id="own-score" { tbody {
            tr { th { (lang.t("total")) } td id="score-total" { (format!("{:.1}", own.total)) } }
            @if let Some(rank) = rank { tr { th { (lang.t("rank")) } td id="score-rank" { (rank) } } }
            @for (component, points) in &own.components { tr { th { (component) } td { (format!("{points:.1}")) } } }
        } }
        h2 { (lang.t("ledger")) " (" (own.ledger_size) ")" }
        table id="ledger" {
            thead { tr { th { "#" } th { (lang.t("when")) } th { (lang.t("component")) } th { (lang.t("points")) } th { (lang.t("detail")) } } }
            tbody { @for row in &own.ledger { tr {
                td { (row.n) } td { (row.at) } td { (row.component) } td { (row.points) }
                td { (row.reason)
                    @if let Some(id) = &row.stix_id { " " a href={ "/console/objects/" (id) "/" } { (short(id)) } }
                }
            } } }
        }
    };
    Ok(respond(
        &request,
        StatusCode::OK,
        page(lang, Some(&viewer), lang.t("my-score"), body),
    ))
}
