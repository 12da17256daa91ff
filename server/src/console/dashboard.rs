//! The coordination center's dashboard (traffic per sector, cross-sector correlations,
//! the leaderboard, fan-out health) and an organisation's own score page.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleError;
use super::layout::{page, respond, when};
use super::object::{color, short};
use super::pages::some;
use super::session::{Analyst, Viewer};
use crate::config::Settings;
use crate::scoring::{Scope as ScoreScope, Scoring};
use crate::stix::timestamp::Instant;
use crate::storage::Store;

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
