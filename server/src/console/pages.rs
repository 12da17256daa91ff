//! The console's sign-in and sign-out, the analysts' queue and members' read-only
//! listing (the object page is `object`, the dashboard and score `dashboard`).

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
use crate::sharing::{self, Principal};
use crate::storage::Store;
use crate::storage::console::{QueueFilter, QueueRow, Scope};

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
    Ok(sharing::read_scope(principal, &store.collections().await?))
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

pub fn some(text: &str) -> Option<String> {
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

pub fn state_key(state: Option<&str>, assignee: Option<&str>) -> &'static str {
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
