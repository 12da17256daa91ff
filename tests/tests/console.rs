//! The coordination center's web console, end to end: the real binary over HTTP, and
//! real headless Chromium over WebDriver for the analysts' main flow and the `<script>`
//! case. Screenshots of each main page go to `$CARGO_TARGET_TMPDIR/console-screenshots/`
//! (or `$KYOYU_SCREENSHOTS`).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use e2e::browser::Browser;
use e2e::{Hub, Scratch, envelope, kyoyu, stix_id};
use serde_json::{Value, json};

const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

fn screenshots() -> PathBuf {
    std::env::var_os("KYOYU_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots"))
}

/// An indicator with `pattern`, optional markings and description.
fn indicator(id: &str, name: &str, pattern: &str, markings: &[&str], description: &str) -> String {
    let mut object = json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "name": name, "indicator_types": ["malicious-activity"],
        "pattern": pattern, "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
    });
    if !markings.is_empty() {
        object["object_marking_refs"] = json!(markings);
    }
    if !description.is_empty() {
        object["description"] = json!(description);
    }
    object.to_string()
}

fn post(hub: &Hub, collection: &str, token: &str, objects: &[String]) {
    let reply = hub.post(
        &format!("collections/{collection}/objects/"),
        token,
        &envelope(objects),
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert_eq!(
        reply.json()["failure_count"],
        0,
        "every object is accepted: {}",
        reply.body
    );
}

/// A browser-like HTTP client: keeps cookies, never follows redirects.
struct Client {
    agent: ureq::Agent,
    base: String,
    cookies: HashMap<String, String>,
}

struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Client {
    fn new(hub: &Hub) -> Client {
        Client {
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(Duration::from_secs(30))
                .build(),
            base: hub.base.clone(),
            cookies: HashMap::new(),
        }
    }

    fn send(&mut self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> Page {
        let mut request = self.agent.request(method, &format!("{}{path}", self.base));
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !cookie.is_empty() {
            request = request.set("Cookie", &cookie.join("; "));
        }
        let result = match form {
            Some(form) => request.send_form(form),
            None => request.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let set_cookies: Vec<String> = response
            .all("set-cookie")
            .into_iter()
            .map(str::to_owned)
            .collect();
        for set in &set_cookies {
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Page {
            status: response.status(),
            location: response.header("location").map(str::to_owned),
            set_cookies,
            body: response.into_string().unwrap(),
        }
    }

    fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None)
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send("POST", path, Some(form))
    }

    /// Signs in (client id empty: `secret` is a hub token) and returns the session's CSRF
    /// token, read from a page's sign-out form.
    fn sign_in(&mut self, client_id: &str, secret: &str) -> String {
        let page = self.get("/console/sign-in/");
        assert_eq!(page.status, 200);
        let csrf = csrf_of(&page.body);
        let signed = self.post(
            "/console/sign-in/",
            &[
                ("csrf", &csrf),
                ("client_id", client_id),
                ("secret", secret),
            ],
        );
        assert_eq!(signed.status, 303, "sign-in succeeds: {}", signed.body);
        assert_eq!(signed.location.as_deref(), Some("/console/"));
        let home = self.get("/console/");
        let target = home.location.unwrap();
        csrf_of(&self.get(&target).body)
    }
}

fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// A hub with two members in different sectors, an analyst, and correlated indicators.
struct World {
    hub: Hub,
    _scratch: Scratch,
    analyst: String,
    power: String,
    rail: String,
    /// GREEN, in sector-electricity, correlated with `rail_report`.
    green: String,
    rail_report: String,
    /// Unmarked in sector-electricity: AMBER by the collection's default.
    amber: String,
}

fn world() -> World {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let analyst = hub.member("nco", "government", "analyst");
    let power = hub.member("tokyo-power", "electricity", "member");
    let rail = hub.member("east-rail", "railway", "member");
    let green = stix_id("indicator");
    let amber = stix_id("indicator");
    let rail_report = stix_id("indicator");
    post(
        &hub,
        "sector-electricity",
        &power,
        &[
            indicator(
                &green,
                "C2 shared by power",
                "[ipv4-addr:value = '203.0.113.77'] OR [domain-name:value = 'c2.example.net']",
                &[GREEN],
                "Beacon seen at two substations",
            ),
            indicator(
                &amber,
                "Amber lead",
                "[ipv4-addr:value = '198.51.100.9']",
                &[],
                "",
            ),
        ],
    );
    post(
        &hub,
        "sector-railway",
        &rail,
        &[indicator(
            &rail_report,
            "Rail sees it too",
            "[ipv4-addr:value = '203.0.113.77']",
            &[GREEN],
            "",
        )],
    );
    World {
        hub,
        _scratch: scratch,
        analyst,
        power,
        rail,
        green,
        rail_report,
        amber,
    }
}

#[test]
fn analysts_sign_in_filter_open_escalate_and_the_copy_is_served_over_taxii() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let w = world();
    let shots = screenshots();
    let base = &w.hub.base;

    browser.goto(&format!("{base}/console/"));
    assert!(
        browser.url().ends_with("/console/sign-in/"),
        "signed out, the console sends the browser to sign in: {}",
        browser.url()
    );
    browser.screenshot(&shots.join("sign-in.png"));
    browser.fill(&browser.find("#secret"), &w.analyst);
    browser.click(&browser.find("#sign-in-button"));
    browser.wait_for_url(|u| u.ends_with("/console/queue/"));
    assert!(
        browser.url().ends_with("/console/queue/"),
        "analysts land on the queue: {}",
        browser.url()
    );
    assert_eq!(browser.text(&browser.find("#signed-in-as")), "nco");
    assert_eq!(
        browser.find_all("tr.queue-row").len(),
        3,
        "every submission"
    );

    // Filter: indicators from the electricity sector.
    browser.click(&browser.find("#filter-type option[value=indicator]"));
    browser.click(&browser.find("#filter-sector option[value=electricity]"));
    browser.click(&browser.find("#apply-filters"));
    browser.wait_for_url(|u| u.contains("sector=electricity"));
    assert!(
        browser.url().contains("sector=electricity"),
        "{}",
        browser.url()
    );
    let rows = browser.find_all("tr.queue-row");
    assert_eq!(rows.len(), 2, "the two electricity indicators");
    let source = browser.source();
    assert!(source.contains(&w.green) && source.contains(&w.amber));
    assert!(!source.contains(&w.rail_report), "railway is filtered out");
    // Newest first: both came in one envelope, so order by sequence: amber was second.
    let first_row = browser.execute("return document.querySelector('tr.queue-row').dataset.id");
    assert_eq!(first_row, json!(w.amber), "newest first");
    browser.screenshot(&shots.join("queue.png"));

    // Open the GREEN indicator.
    browser.click(&browser.find(&format!("tr[data-id='{}'] a.object-link", w.green)));
    browser.wait_for("#pattern");
    assert!(browser.url().contains(&w.green), "{}", browser.url());
    let pattern = browser.text(&browser.find("#pattern"));
    assert!(
        pattern.contains("203.0.113.77") && pattern.contains("OR"),
        "the pattern is rendered readably: {pattern}"
    );
    let observables = browser.text(&browser.find("#observables"));
    assert!(observables.contains("c2.example.net"), "{observables}");
    let correlated = browser.text(&browser.find("#correlated"));
    assert!(
        correlated.contains("railway") && correlated.contains("east-rail"),
        "the railway report correlates: {correlated}"
    );
    assert_eq!(
        browser.execute(
            "return document.querySelector('#timeline circle').getBoundingClientRect().width > 0"
        ),
        json!(true),
        "the reports are drawn on a timeline"
    );
    browser.screenshot(&shots.join("object.png"));

    // Escalate.
    browser.click(&browser.find("#action-escalate"));
    browser.wait_for("#notice");
    assert!(
        !browser.find_all("#notice").is_empty(),
        "a notice confirms the escalation: {}",
        browser.source()
    );
    let copy = browser.text(&browser.find("#escalated-copy"));
    assert!(copy.starts_with("indicator--") && copy != w.green, "{copy}");
    let history = browser.text(&browser.find("#triage-history"));
    assert!(history.contains("escalate"), "{history}");
    browser.screenshot(&shots.join("object-escalated.png"));

    // The copy through TAXII, as a member of another sector sees it.
    let served = w
        .hub
        .get(
            "collections/cross-sector/objects/?match[type]=indicator",
            &w.rail,
        )
        .json();
    let objects = served["objects"].as_array().unwrap();
    let copied = objects
        .iter()
        .find(|o| o["id"] == json!(copy))
        .unwrap_or_else(|| panic!("the copy is in cross-sector: {served}"));
    assert_eq!(
        copied["pattern"],
        "[ipv4-addr:value = '203.0.113.77'] OR [domain-name:value = 'c2.example.net']"
    );
    assert_eq!(copied["object_marking_refs"], json!([GREEN]));
    assert!(
        copied["created_by_ref"]
            .as_str()
            .unwrap()
            .starts_with("identity--"),
        "attributed to the coordination center: {copied}"
    );
    assert!(
        copied["external_references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["external_id"] == json!(w.green)),
        "the copy refers to the original: {copied}"
    );
    assert!(
        !copied.to_string().contains("tokyo-power"),
        "the copy does not name the producer"
    );

    // The dashboard.
    browser.goto(&format!("{base}/console/dashboard/"));
    assert_eq!(
        browser.execute(
            "return [...document.querySelectorAll('#chart rect')].some(r => r.getBoundingClientRect().height > 4)"
        ),
        json!(true),
        "submissions are charted as visible bars"
    );
    let cross = browser.text(&browser.find("#cross-sector"));
    assert!(
        cross.contains("203.0.113.77") && cross.contains("railway"),
        "{cross}"
    );
    assert!(!browser.find_all("#outbox-waiting").is_empty());
    let board = browser.text(&browser.find("#leaderboard-table"));
    assert!(
        board.contains("tokyo-power") && board.contains("east-rail"),
        "the leaderboard ranks the members: {board}"
    );
    browser.screenshot(&shots.join("dashboard.png"));

    // Japanese.
    browser.goto(&format!("{base}/console/queue/?lang=ja"));
    assert!(browser.title().contains("キュー"), "{}", browser.title());
    browser.goto(&format!("{base}/console/dashboard/"));
    assert!(
        browser.title().contains("ダッシュボード"),
        "the language is remembered: {}",
        browser.title()
    );
    browser.screenshot(&shots.join("dashboard-ja.png"));
    browser.goto(&format!("{base}/console/objects/{}/", w.green));
    assert!(
        browser
            .text(&browser.find("#actions"))
            .contains("エスカレーション"),
        "the object page in Japanese"
    );
    browser.screenshot(&shots.join("object-ja.png"));

    // Sign out; a member's read-only view and own score.
    browser.goto(&format!("{base}/console/queue/?lang=en"));
    browser.click(&browser.find("#sign-out"));
    browser.wait_for("#sign-in-button");
    assert!(
        browser.url().ends_with("/console/sign-in/"),
        "{}",
        browser.url()
    );
    browser.goto(&format!("{base}/console/queue/"));
    assert!(browser.url().ends_with("/console/sign-in/"), "signed out");
    browser.fill(&browser.find("#secret"), &w.rail);
    browser.click(&browser.find("#sign-in-button"));
    browser.wait_for_url(|u| u.ends_with("/console/objects/"));
    assert!(
        browser.url().ends_with("/console/objects/"),
        "{}",
        browser.url()
    );
    let listing = browser.source();
    assert!(listing.contains(&w.rail_report) && listing.contains(&copy));
    assert!(
        !listing.contains(&w.green),
        "the original stays in its sector"
    );
    browser.screenshot(&shots.join("member-objects.png"));
    browser.goto(&format!("{base}/console/score/"));
    assert!(!browser.find_all("#score-total").is_empty());
    browser.screenshot(&shots.join("member-score.png"));
}

#[test]
fn a_script_in_a_pattern_or_description_renders_inert() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let analyst = hub.member("nco", "government", "analyst");
    let power = hub.member("tokyo-power", "electricity", "member");
    let id = stix_id("indicator");
    post(
        &hub,
        "sector-electricity",
        &power,
        &[indicator(
            &id,
            "<script>window.pwned=1</script>",
            "[file:name = '<script>window.pwned=2</script>']",
            &[GREEN],
            "<script>window.pwned=3</script><img src=x onerror=\"window.pwned=4\">",
        )],
    );
    let mut client = Client::new(&hub);
    client.sign_in("", &analyst);
    for path in [format!("/console/objects/{id}/"), "/console/queue/".into()] {
        let page = client.get(&path);
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("<script>window") && !page.body.contains("<img src=x"),
            "{path}: markup from data is escaped"
        );
        assert!(page.body.contains("&lt;script&gt;window.pwned="), "{path}");
    }
    let Some(browser) = Browser::start() else {
        return;
    };
    browser.goto(&format!("{}/console/sign-in/", hub.base));
    browser.fill(&browser.find("#secret"), &analyst);
    browser.click(&browser.find("#sign-in-button"));
    browser.wait_for("#signed-in-as");
    browser.goto(&format!("{}/console/objects/{id}/", hub.base));
    assert_eq!(
        browser.execute("return typeof window.pwned"),
        json!("undefined"),
        "no script from the object ran"
    );
    assert!(
        browser
            .text(&browser.find("#description"))
            .contains("<script>window.pwned=3</script>"),
        "the description shows as text"
    );
    browser.screenshot(&screenshots().join("object-script-inert.png"));
}

#[test]
fn a_member_cannot_reach_analyst_pages_or_actions_and_sees_only_what_taxii_shows_it() {
    let w = world();
    let mut member = Client::new(&w.hub);
    let csrf = member.sign_in("", &w.rail);
    for path in ["/console/queue/", "/console/dashboard/"] {
        let page = member.get(path);
        assert_eq!(page.status, 403, "{path}");
    }
    let refused = member.post(
        &format!("/console/objects/{}/actions/confirm/", w.rail_report),
        &[("csrf", &csrf)],
    );
    assert_eq!(refused.status, 403, "members take no triage action");
    let refused = member.post(
        &format!("/console/objects/{}/actions/escalate/", w.green),
        &[("csrf", &csrf)],
    );
    assert_eq!(refused.status, 403);

    // Its own listing: its own report, not the electricity sector's.
    let listing = member.get("/console/objects/");
    assert_eq!(listing.status, 200);
    assert!(listing.body.contains(&w.rail_report));
    assert!(!listing.body.contains(&w.green) && !listing.body.contains(&w.amber));
    assert!(
        !listing.body.contains("filter-state") && !listing.body.contains("filter-sector"),
        "no triage, correlation or producer filters for members"
    );
    let railway_only = member.get("/console/objects/?collection=sector-railway");
    assert!(railway_only.body.contains(&w.rail_report));
    let elsewhere = member.get("/console/objects/?collection=sector-electricity");
    assert!(
        !elsewhere.body.contains(&w.green) && elsewhere.body.contains("id=\"empty\""),
        "a collection it cannot read lists nothing"
    );
    // The other sector's object does not exist for it, as in TAXII.
    let hidden = member.get(&format!("/console/objects/{}/", w.green));
    assert_eq!(hidden.status, 404);
    assert_eq!(
        w.hub
            .get(
                &format!("collections/sector-electricity/objects/{}/", w.green),
                &w.rail
            )
            .status,
        404
    );
    // Its own object: read-only, and correlations only among what it may see.
    let own = member.get(&format!("/console/objects/{}/", w.rail_report));
    assert_eq!(own.status, 200);
    assert!(!own.body.contains("action-escalate"), "no actions");
    assert!(!own.body.contains("triage-history"));
    assert!(
        !own.body.contains(&w.green) && !own.body.contains("tokyo-power"),
        "the hidden electricity report does not leak through correlations"
    );
    // And no trace of an action was recorded.
    let mut analyst = Client::new(&w.hub);
    analyst.sign_in("", &w.analyst);
    let page = analyst.get(&format!("/console/objects/{}/", w.rail_report));
    assert!(
        !page.body.contains("id=\"triage-history\""),
        "no triage event"
    );
}

#[test]
fn forms_without_their_csrf_token_are_refused() {
    let w = world();
    let mut analyst = Client::new(&w.hub);
    let csrf = analyst.sign_in("", &w.analyst);
    let path = format!("/console/objects/{}/actions/confirm/", w.green);
    let missing = analyst.post(&path, &[]);
    assert_eq!(missing.status, 403, "no token");
    assert!(missing.body.contains("CSRF"), "{}", missing.body);
    let wrong = analyst.post(&path, &[("csrf", "not-the-token")]);
    assert_eq!(wrong.status, 403, "a wrong token");
    let page = analyst.get(&format!("/console/objects/{}/", w.green));
    assert!(
        !page.body.contains("id=\"triage-history\""),
        "nothing recorded"
    );
    let done = analyst.post(&path, &[("csrf", &csrf)]);
    assert_eq!(done.status, 303, "{}", done.body);
    let page = analyst.get(&format!("/console/objects/{}/", w.green));
    assert!(page.body.contains("id=\"triage-history\""));
    assert!(
        page.body.contains(">confirm<"),
        "the confirmation is recorded"
    );

    // Sign-out needs the token too; sign-in needs its own.
    assert_eq!(analyst.post("/console/sign-out/", &[]).status, 403);
    let mut stranger = Client::new(&w.hub);
    let forged = stranger.post(
        "/console/sign-in/",
        &[("csrf", "x"), ("client_id", ""), ("secret", &w.analyst)],
    );
    assert_eq!(forged.status, 403, "sign-in without the form's token");
    assert!(!stranger.cookies.contains_key("kyoyu_session"));
}

#[test]
fn escalation_follows_tlp_and_every_action_is_audited() {
    let w = world();
    let mut analyst = Client::new(&w.hub);
    let csrf = analyst.sign_in("", &w.analyst);
    let refused = analyst.post(
        &format!("/console/objects/{}/actions/escalate/", w.amber),
        &[("csrf", &csrf)],
    );
    assert_eq!(refused.status, 409);
    assert!(
        refused.body.contains("TLP:AMBER does not allow escalation"),
        "{}",
        refused.body
    );
    let cross = w
        .hub
        .get("collections/cross-sector/objects/", &w.analyst)
        .json();
    assert!(
        cross["objects"].as_array().is_none_or(|o| o.is_empty()),
        "nothing was copied: {cross}"
    );

    // Actions: assign, comment, false positive, escalate, advisory.
    let object = format!("/console/objects/{}/actions", w.green);
    for (action, form) in [
        ("assign", vec![("assignee", "yamada")]),
        (
            "comment",
            vec![("comment", "looks like the March campaign")],
        ),
        ("false-positive", vec![]),
        ("escalate", vec![]),
        (
            "advisory",
            vec![("name", "Beaconing to c2.example.net"), ("tlp", "green")],
        ),
    ] {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend(form);
        let done = analyst.post(&format!("{object}/{action}/"), &fields);
        assert_eq!(done.status, 303, "{action}: {}", done.body);
    }
    let again = analyst.post(&format!("{object}/escalate/"), &[("csrf", &csrf)]);
    assert_eq!(again.status, 409, "escalated once only");
    let empty = analyst.post(&format!("{object}/comment/"), &[("csrf", &csrf)]);
    assert_eq!(empty.status, 400, "a comment needs text");
    let unknown = analyst.post(&format!("{object}/delete-everything/"), &[("csrf", &csrf)]);
    assert_eq!(unknown.status, 404);

    let advisories = w
        .hub
        .get("collections/advisories/objects/", &w.power)
        .json();
    let report = &advisories["objects"][0];
    assert_eq!(report["type"], "report");
    assert_eq!(report["name"], "Beaconing to c2.example.net");
    let refs = report["object_refs"].as_array().unwrap();
    assert!(
        refs[0].as_str().unwrap().starts_with("indicator--") && refs[0] != json!(w.green),
        "the advisory refers to the cross-sector copy: {report}"
    );

    // The audit log holds every action, in the transaction that recorded it.
    let admin = w.hub.member("hub-admin", "government", "admin");
    let audit = w.hub.get(
        &format!("{}/admin/audit/?action=triage", w.hub.base),
        &admin,
    );
    assert_eq!(audit.status, 200, "{}", audit.body);
    let text = audit.body;
    for action in [
        "assign",
        "comment",
        "false-positive",
        "escalate",
        "advisory",
    ] {
        assert!(
            text.contains(&format!("\"action\":\"{action}\"")),
            "{action} is audited: {text}"
        );
    }
    // The queue shows the state and the assignee.
    let queue = analyst.get("/console/queue/?state=escalated");
    assert!(queue.body.contains(&w.green) && queue.body.contains("yamada"));
    let new = analyst.get("/console/queue/?state=new");
    assert!(!new.body.contains(&w.green) && new.body.contains(&w.amber));

    // Correlation counts come from the background scorer: wait for it.
    let mut correlated = String::new();
    for _ in 0..100 {
        correlated = analyst.get("/console/queue/?min_correlations=1").body;
        if correlated.contains(&w.rail_report) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        correlated.contains(&w.green) && correlated.contains(&w.rail_report),
        "the two reports of 203.0.113.77 correlate: {correlated}"
    );
    assert!(
        !correlated.contains(&w.amber),
        "the amber lead has no correlation"
    );
}

#[test]
fn members_see_their_own_score_and_ledger() {
    let w = world();
    let mut member = Client::new(&w.hub);
    member.sign_in("", &w.power);
    let page = member.get("/console/score/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"score-total\""), "{}", page.body);
    assert!(page.body.contains("id=\"ledger\""));
    let api = w
        .hub
        .get(&format!("{}/scores/me/", w.hub.base), &w.power)
        .json();
    let total = format!("{:.1}", api["total"].as_f64().unwrap());
    assert!(
        page.body.contains(&format!("id=\"score-total\">{total}<")),
        "the console shows the API's total {total}"
    );
    assert!(
        !page.body.contains("east-rail"),
        "no counterpart names for members"
    );
}

#[test]
fn sessions_are_strict_cookies_and_end_on_sign_out_or_revocation() {
    let w = world();
    let key = kyoyu(
        &w.hub.database_url,
        &["apikey", "create", "--org", "east-rail", "--role", "member"],
    );
    let (client_id, secret) = key.split_once(':').unwrap();
    let mut member = Client::new(&w.hub);
    let page = member.get("/console/sign-in/");
    let csrf = csrf_of(&page.body);
    let wrong = member.post(
        "/console/sign-in/",
        &[
            ("csrf", &csrf),
            ("client_id", client_id),
            ("secret", "guess"),
        ],
    );
    assert_eq!(wrong.status, 401);
    assert!(!member.cookies.contains_key("kyoyu_session"));
    let signed = member.post(
        "/console/sign-in/",
        &[
            ("csrf", &csrf),
            ("client_id", client_id),
            ("secret", secret),
        ],
    );
    assert_eq!(signed.status, 303, "{}", signed.body);
    let cookie = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("kyoyu_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Secure"), "plain HTTP: not Secure");
    let behind_tls = ureq::get(&format!("{}/console/sign-in/", w.hub.base))
        .set("X-Forwarded-Proto", "https")
        .call()
        .unwrap();
    let pre = behind_tls.header("set-cookie").unwrap();
    assert!(
        pre.contains("; Secure") && pre.contains("HttpOnly"),
        "behind a TLS-terminating proxy cookies are Secure: {pre}"
    );
    assert_eq!(member.get("/console/objects/").status, 200);

    // A siem key cannot sign in.
    let siem = kyoyu(
        &w.hub.database_url,
        &["apikey", "create", "--org", "east-rail"],
    );
    let (siem_id, siem_secret) = siem.split_once(':').unwrap();
    let mut machine = Client::new(&w.hub);
    let page = machine.get("/console/sign-in/");
    let csrf = csrf_of(&page.body);
    let refused = machine.post(
        "/console/sign-in/",
        &[
            ("csrf", &csrf),
            ("client_id", siem_id),
            ("secret", siem_secret),
        ],
    );
    assert_eq!(refused.status, 401);

    // Revoking the key ends the session at once.
    kyoyu(
        &w.hub.database_url,
        &["apikey", "revoke", "--client-id", client_id],
    );
    let after = member.get("/console/objects/");
    assert_eq!(after.status, 303);
    assert_eq!(after.location.as_deref(), Some("/console/sign-in/"));

    // Sign-out ends an analyst's session.
    let mut analyst = Client::new(&w.hub);
    let csrf = analyst.sign_in("", &w.analyst);
    let stolen = analyst.cookies.clone();
    assert_eq!(
        analyst
            .post("/console/sign-out/", &[("csrf", &csrf)])
            .status,
        303
    );
    analyst.cookies = stolen;
    assert_eq!(
        analyst.get("/console/queue/").status,
        303,
        "the old cookie opens nothing"
    );
}

#[test]
fn the_queue_pages_newest_first_and_rejects_bad_filters() {
    let scratch = Scratch::new();
    std::fs::write(scratch.0.join("kyoyu.toml"), "[console]\npage_size = 2\n").unwrap();
    let config = scratch.0.join("kyoyu.toml");
    let hub = Hub::start_with(&scratch, &["--config", config.to_str().unwrap()]);
    let analyst = hub.member("nco", "government", "analyst");
    let power = hub.member("tokyo-power", "electricity", "member");
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = stix_id("indicator");
        post(
            &hub,
            "sector-electricity",
            &power,
            &[indicator(
                &id,
                &format!("n{i}"),
                &format!("[ipv4-addr:value = '192.0.2.{i}']"),
                &[],
                "",
            )],
        );
        ids.push(id);
    }
    let mut client = Client::new(&hub);
    client.sign_in("", &analyst);
    let mut seen = Vec::new();
    let mut path = "/console/queue/?type=indicator".to_owned();
    for _ in 0..5 {
        let page = client.get(&path);
        assert_eq!(page.status, 200);
        let mut on_page: Vec<(usize, String)> = ids
            .iter()
            .filter_map(|id| page.body.find(id.as_str()).map(|at| (at, id.clone())))
            .collect();
        on_page.sort();
        assert!(on_page.len() <= 2, "pages of two");
        seen.extend(on_page.into_iter().map(|(_, id)| id));
        // The "older" link: `<a href="?...before=N" id="older">`.
        match page.body.find("id=\"older\"") {
            Some(at) => {
                let from = page.body[..at].rfind("href=\"?").unwrap() + "href=\"".len();
                let href = page.body[from..].split('"').next().unwrap();
                path = format!("/console/queue/{}", href.replace("&amp;", "&"));
                assert!(path.contains("type=indicator"), "filters are kept: {path}");
            }
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first, "every object once, newest first");

    for bad in [
        "/console/queue/?before=yesterday",
        "/console/queue/?tlp=purple",
        "/console/queue/?min_correlations=-1",
    ] {
        let page = client.get(bad);
        assert_eq!(page.status, 400, "{bad}");
        assert!(
            page.body.contains("<html"),
            "{bad}: an HTML page, not TAXII JSON"
        );
    }
    let missing = client.get("/console/objects/indicator--00000000-0000-4000-8000-000000000000/");
    assert_eq!(missing.status, 404);
    let nonsense = client.get("/console/objects/not-an-id/");
    assert_eq!(nonsense.status, 404);
    let _: Value = hub.get("collections/", &analyst).json();
}

/// Runs an UPDATE on the hub's sessions, as time passing would.
fn age_sessions(database_url: &str, set: &str) {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut connection = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        let done = sqlx::query(&format!("UPDATE console_sessions SET {set}"))
            .execute(&mut connection)
            .await
            .unwrap();
        assert!(done.rows_affected() > 0, "a session to age");
        connection.close().await.unwrap();
    });
}

#[test]
fn sessions_expire_after_idle_minutes_and_at_their_absolute_end() {
    let w = world();
    let mut analyst = Client::new(&w.hub);
    analyst.sign_in("", &w.analyst);
    assert_eq!(analyst.get("/console/queue/").status, 200);
    age_sessions(&w.hub.database_url, "last_seen = last_seen - 31 * 60000000");
    let idle = analyst.get("/console/queue/");
    assert_eq!(idle.status, 303, "30 idle minutes end a session");
    assert_eq!(idle.location.as_deref(), Some("/console/sign-in/"));

    analyst.sign_in("", &w.analyst);
    assert_eq!(analyst.get("/console/queue/").status, 200);
    age_sessions(&w.hub.database_url, "expires_at = created_at + 1");
    assert_eq!(
        analyst.get("/console/queue/").status,
        303,
        "a session ends at its absolute end, however active"
    );
}

fn sighting(of: &str, count: u32) -> String {
    json!({
        "type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
        "created": "2026-02-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z",
        "sighting_of_ref": of, "count": count,
    })
    .to_string()
}

#[test]
fn the_object_page_shows_sightings_and_versions_as_each_viewer_may_see_them() {
    let w = world();
    // A new version of the GREEN indicator, and sightings: one the railway member may
    // read (in its sector), one it may not (in electricity).
    let newer = indicator(
        &w.green,
        "C2 shared by power (v2)",
        "[ipv4-addr:value = '203.0.113.77'] OR [domain-name:value = 'c2.example.net']",
        &[GREEN],
        "",
    )
    .replace(
        "\"modified\":\"2026-01-01T00:00:00.000Z\"",
        "\"modified\":\"2026-01-02T00:00:00.000Z\"",
    );
    post(
        &w.hub,
        "sector-electricity",
        &w.power,
        &[newer, sighting(&w.rail_report, 7)],
    );
    post(
        &w.hub,
        "sector-railway",
        &w.rail,
        &[sighting(&w.rail_report, 3)],
    );

    let mut analyst = Client::new(&w.hub);
    analyst.sign_in("", &w.analyst);
    let page = analyst.get(&format!("/console/objects/{}/", w.green)).body;
    let versions = &page[page.find("id=\"versions\"").unwrap()..];
    assert!(
        versions.contains("2026-01-02T00:00:00.000Z")
            && versions.contains("2026-01-01T00:00:00.000Z"),
        "both versions are listed"
    );
    assert!(
        page.contains("C2 shared by power (v2)"),
        "the latest version is shown"
    );
    let page = analyst
        .get(&format!("/console/objects/{}/", w.rail_report))
        .body;
    let sightings = &page[page.find("id=\"sightings\"").unwrap()..];
    assert!(
        sightings.contains(": 7") && sightings.contains(": 3"),
        "both sightings"
    );
    assert!(
        sightings.contains("tokyo-power"),
        "analysts see who sighted it"
    );

    let mut member = Client::new(&w.hub);
    member.sign_in("", &w.rail);
    let page = member
        .get(&format!("/console/objects/{}/", w.rail_report))
        .body;
    let sightings = &page[page.find("id=\"sightings\"").unwrap()..];
    assert!(sightings.contains(": 3"), "its own sighting");
    assert!(
        !sightings.contains(": 7") && !page.contains("tokyo-power"),
        "the electricity sector's sighting is not shown to a railway member"
    );
}
