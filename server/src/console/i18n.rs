//! The console's two languages. `?lang=ja|en` picks one and is remembered in a cookie;
//! without either, `Accept-Language` decides (Japanese when it prefers `ja`).

use actix_web::HttpRequest;
use actix_web::http::header;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

pub const COOKIE: &str = "kyoyu_lang";

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        match text {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// The language asked for in the query, if any (to be remembered).
    pub fn from_query(request: &HttpRequest) -> Option<Lang> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(request.query_string())
            .ok()?
            .into_iter()
            .find(|(name, _)| name == "lang")
            .and_then(|(_, value)| Lang::parse(&value))
    }

    /// The query's language, else the cookie's, else `Accept-Language`'s first choice.
    pub fn of(request: &HttpRequest) -> Lang {
        if let Some(lang) = Lang::from_query(request) {
            return lang;
        }
        if let Some(lang) = super::session::cookie(request, COOKIE).and_then(|v| Lang::parse(&v)) {
            return lang;
        }
        let accept = request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let first = accept
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if first.starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// The text of `key` in this language; the key itself if it has no entry (a bug
    /// caught by the `every_key_has_both_languages` test for the keys listed there).
    pub fn t(self, key: &'static str) -> &'static str {
        TEXTS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or(key, |(_, en, ja)| match self {
                Lang::En => en,
                Lang::Ja => ja,
            })
    }
}

/// key, English, Japanese.
const TEXTS: &[(&str, &str, &str)] = &[
    ("console", "Kyoyu console", "Kyoyu コンソール"),
    ("sign-in", "Sign in", "サインイン"),
    ("sign-out", "Sign out", "サインアウト"),
    (
        "sign-in-intro",
        "Sign in with a credential the hub issued: an API key (client id and secret), or a hub token in the secret field with the client id left empty.",
        "ハブが発行した認証情報でサインインします。API キー(クライアント ID とシークレット)、またはクライアント ID を空にしてシークレット欄にハブのトークンを入力してください。",
    ),
    ("client-id", "Client id", "クライアント ID"),
    ("secret", "Secret or token", "シークレットまたはトークン"),
    (
        "bad-credentials",
        "Those credentials were not accepted.",
        "認証情報が受け付けられませんでした。",
    ),
    (
        "machine-credential",
        "Machine (siem) credentials cannot sign in to the console.",
        "機械用 (siem) の認証情報ではコンソールにサインインできません。",
    ),
    ("queue", "Queue", "キュー"),
    ("shared-with-you", "Shared with you", "共有された情報"),
    ("dashboard", "Dashboard", "ダッシュボード"),
    ("my-score", "My score", "自組織のスコア"),
    ("sector", "Sector", "セクター"),
    ("ceptoar", "CEPTOAR", "セプター"),
    ("type", "Type", "種別"),
    ("tlp", "TLP", "TLP"),
    ("state", "Triage state", "トリアージ状態"),
    ("min-correlations", "Correlations at least", "相関数(以上)"),
    ("any", "any", "すべて"),
    ("filter", "Filter", "絞り込み"),
    ("added", "Added", "登録日時"),
    ("name", "Name", "名前"),
    ("object", "Object", "オブジェクト"),
    ("collection", "Collection", "コレクション"),
    ("producer", "Producer", "提供組織"),
    ("assignee", "Assignee", "担当者"),
    ("correlations", "Correlations", "相関"),
    ("older", "Older", "さらに古いもの"),
    ("newest", "Newest", "最新へ"),
    ("nothing", "Nothing matches.", "該当するものはありません。"),
    ("new", "new", "新規"),
    ("assigned", "assigned", "割当済み"),
    ("confirmed", "confirmed", "確認済み"),
    ("false-positive", "false positive", "誤検知"),
    ("escalated", "escalated", "エスカレーション済み"),
    ("pattern", "Pattern", "パターン"),
    ("observables", "Observables", "観測値"),
    (
        "correlated",
        "Correlated reports from other organisations",
        "他組織からの相関する報告",
    ),
    ("sightings", "Sightings", "目撃情報"),
    ("versions", "Version history", "版の履歴"),
    ("triage-history", "Triage history", "トリアージ履歴"),
    ("json", "Object (JSON)", "オブジェクト(JSON)"),
    ("actions", "Actions", "アクション"),
    ("confirm", "Confirm", "確認"),
    ("mark-false-positive", "Mark false positive", "誤検知とする"),
    (
        "reject-false-positive",
        "Reject false-positive reports",
        "誤検知報告を却下",
    ),
    (
        "escalate",
        "Escalate to cross-sector",
        "セクター横断へエスカレーション",
    ),
    ("advisory", "Publish an advisory", "アドバイザリを公開"),
    ("assign", "Assign", "割り当て"),
    ("comment", "Comment", "コメント"),
    ("description", "Description", "説明"),
    ("when", "When", "日時"),
    ("who", "Who", "実施者"),
    ("action", "Action", "アクション"),
    ("detail", "Detail", "詳細"),
    ("done", "Done.", "完了しました。"),
    (
        "escalation-rule",
        "Only TLP:CLEAR and TLP:GREEN objects may be escalated: the copy in cross-sector is attributed to the coordination center.",
        "エスカレーションできるのは TLP:CLEAR と TLP:GREEN のみです。cross-sector のコピーはコーディネーションセンターの名義になります。",
    ),
    (
        "per-sector-per-day",
        "Submissions per sector per day (14 days)",
        "セクター別・日別の投稿数(14日間)",
    ),
    (
        "cross-sector",
        "Cross-sector correlations (7 days)",
        "セクター横断の相関(7日間)",
    ),
    (
        "leaderboard",
        "Contribution leaderboard",
        "貢献度ランキング",
    ),
    ("fanout", "Fan-out health", "配信の状態"),
    (
        "outbox-waiting",
        "Deliveries waiting in the outbox",
        "送信待ちの配信",
    ),
    ("outbox-oldest", "Oldest waiting since", "最古の待機開始"),
    ("broker", "Broker", "ブローカー"),
    ("configured", "configured", "設定済み"),
    (
        "not-configured",
        "not configured: deliveries wait",
        "未設定:配信は待機中",
    ),
    ("organizations", "Organisations", "組織数"),
    ("not-found", "Not found", "見つかりません"),
    ("forbidden", "Not permitted", "権限がありません"),
    ("bad-request", "Bad request", "不正なリクエスト"),
    ("conflict", "Not possible", "実行できません"),
    ("error", "Something went wrong", "エラーが発生しました"),
    ("back", "Back", "戻る"),
    ("signed-in-as", "Signed in as", "サインイン中"),
    ("read-only", "read-only view", "閲覧専用"),
    ("total", "Total", "合計"),
    ("rank", "Rank", "順位"),
    (
        "score-pending",
        "Scores appear here once the scoring module is part of this hub.",
        "スコアリング機能が組み込まれると、ここにスコアが表示されます。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for (key, en, ja) in TEXTS {
            assert!(!en.is_empty() && !ja.is_empty(), "{key}");
            assert_eq!(
                TEXTS.iter().filter(|(k, _, _)| k == key).count(),
                1,
                "{key} is listed once"
            );
        }
        assert_eq!(Lang::Ja.t("queue"), "キュー");
        assert_eq!(Lang::En.t("queue"), "Queue");
    }
}
