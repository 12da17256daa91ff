//! The page frame, shared pieces and the HTTP response of every console page. maud
//! escapes every interpolated value; nothing here writes unescaped text from data.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use maud::{DOCTYPE, Markup, html};

use super::i18n::{self, Lang};
use super::session::{Viewer, set_cookie};
use crate::stix::timestamp::TaxiiTimestamp;

const STYLE: &str = "
body{font-family:system-ui,'Hiragino Sans','Noto Sans JP',sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{background:#14324f;color:#fff;padding:.6rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto;font-size:.9rem}
header form{display:inline}main{padding:1rem 1.4rem;max-width:1400px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #dde1e6;padding:.35rem .5rem;text-align:left;font-size:.9rem;vertical-align:top}
th{background:#eef1f4}code,pre{font-family:ui-monospace,Menlo,monospace;font-size:.85rem}
pre{background:#fff;border:1px solid #dde1e6;padding:.8rem;overflow:auto;max-height:32rem}
.tlp{font-weight:600;padding:0 .3rem;border-radius:3px}.tlp-red{background:#c00;color:#fff}.tlp-amber,.tlp-amber-strict{background:#fc0}.tlp-green{background:#3a3;color:#fff}.tlp-clear{background:#eee}
form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;margin-bottom:.8rem}form.filters label{display:flex;flex-direction:column;font-size:.8rem}
section{margin:1.2rem 0}.actions form{margin:.4rem 0;padding:.5rem;background:#fff;border:1px solid #dde1e6}
.notice{background:#e7f3e7;border:1px solid #3a3;padding:.5rem}.problem{background:#fdecea;border:1px solid #c00;padding:.5rem}
.pattern ul{list-style:none;padding-left:1.2rem;border-left:2px solid #c8d0d9}.op{font-weight:700;color:#14324f}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}
";

/// Human time (UTC, to the second) of a hub timestamp in microseconds.
pub fn when(micros: i64) -> String {
    let text = TaxiiTimestamp(micros).to_string();
    match text.split_once('.') {
        Some((seconds, _)) => format!("{}Z", seconds.replace('T', " ")),
        None => text,
    }
}

pub fn tlp_badge(tlp: &str) -> Markup {
    html! { span class={ "tlp tlp-" (tlp) } { "TLP:" (tlp.to_ascii_uppercase()) } }
}

/// A whole page: the frame, the navigation for the viewer, and `body`.
pub fn page(lang: Lang, viewer: Option<&Viewer>, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (lang.t("console")) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { (lang.t("console")) }
                    @if let Some(viewer) = viewer {
                        @if viewer.principal.sees_everything() {
                            a href="/console/queue/" { (lang.t("queue")) }
                            a href="/console/dashboard/" { (lang.t("dashboard")) }
                        } @else {
                            a href="/console/objects/" { (lang.t("shared-with-you")) }
                            a href="/console/score/" { (lang.t("my-score")) }
                        }
                    }
                    span class="who" {
                        a href="?lang=en" { "English" } " · " a href="?lang=ja" { "日本語" }
                        @if let Some(viewer) = viewer {
                            " · " (lang.t("signed-in-as")) " "
                            strong id="signed-in-as" { (viewer.analyst) }
                            " (" (viewer.principal.org_slug) ", " (viewer.principal.role.as_str())
                            @if !viewer.principal.sees_everything() { ", " (lang.t("read-only")) }
                            ") "
                            form method="post" action="/console/sign-out/" {
                                input type="hidden" name="csrf" value=(viewer.csrf);
                                button type="submit" id="sign-out" { (lang.t("sign-out")) }
                            }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

/// An error page in both languages (errors are rendered without the request).
pub fn error_page(status: StatusCode, detail: Option<&str>) -> Markup {
    let key = match status.as_u16() {
        400 => "bad-request",
        401 => "sign-in",
        403 => "forbidden",
        404 => "not-found",
        409 => "conflict",
        _ => "error",
    };
    let title = format!("{} / {}", Lang::En.t(key), Lang::Ja.t(key));
    page(
        Lang::En,
        None,
        &title,
        html! {
            @if let Some(detail) = detail { p class="problem" id="problem" { (detail) } }
            p { a href="/console/" { (Lang::En.t("back")) " / " (Lang::Ja.t("back")) } }
        },
    )
}

/// The HTTP response of a page: HTML, never cached, framed nowhere, no script allowed;
/// remembers a language asked for with `?lang=`.
pub fn respond(request: &HttpRequest, status: StatusCode, markup: Markup) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ));
    if let Some(lang) = Lang::from_query(request) {
        response.append_header((
            header::SET_COOKIE,
            set_cookie(i18n::COOKIE, lang.as_str(), 31_536_000, false, false),
        ));
    }
    response.body(markup.into_string())
}
