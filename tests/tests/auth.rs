//! Authentication of the real binary: hub tokens, an external identity provider's
//! RS256/ES256/EdDSA tokens (PEM and JWKS keys), API keys over HTTP Basic, revocation,
//! and the usual attacks on JWTs.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use e2e::{Hub, Scratch, TAXII, envelope, indicator, kyoyu, stix_id};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const ISSUER: &str = "https://idp.example.jp";
const AUDIENCE: &str = "kyoyu-taxii";

fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A private key (PKCS#8 PEM) and its public key (PEM), made by openssl.
fn keypair(dir: &Path, name: &str, genpkey: &[&str]) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{name}.key"));
    let public = dir.join(format!("{name}.pub"));
    let mut args = vec!["genpkey"];
    args.extend_from_slice(genpkey);
    args.extend(["-out", private.to_str().expect("path")]);
    openssl(&args);
    openssl(&[
        "pkey",
        "-in",
        private.to_str().expect("path"),
        "-pubout",
        "-out",
        public.to_str().expect("path"),
    ]);
    (private, public)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn claims(sub: &str) -> serde_json::Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now(), "nbf": now(), "exp": now() + 600, "jti": uuid::Uuid::new_v4().to_string()})
}

fn sign(
    algorithm: Algorithm,
    kid: Option<&str>,
    key: &EncodingKey,
    claims: &serde_json::Value,
) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

struct Idp {
    rsa: EncodingKey,
    rsa_public_pem: Vec<u8>,
    ec: EncodingKey,
    ed: EncodingKey,
}

/// Starts a hub trusting an external identity provider with an RSA and an EC key (PEM)
/// and an Ed25519 key (JWKS).
fn hub_with_idp(scratch: &Scratch) -> (Hub, Idp) {
    let dir = &scratch.0;
    let (rsa_key, rsa_pub) = keypair(
        dir,
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    let (ec_key, ec_pub) = keypair(
        dir,
        "ec",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let (ed_key, ed_pub) = keypair(dir, "ed", &["-algorithm", "ED25519"]);
    let der = dir.join("ed.der");
    openssl(&[
        "pkey",
        "-pubin",
        "-in",
        ed_pub.to_str().expect("path"),
        "-outform",
        "DER",
        "-out",
        der.to_str().expect("path"),
    ]);
    let raw = std::fs::read(&der).expect("der");
    let x = URL_SAFE_NO_PAD.encode(&raw[raw.len() - 32..]);
    let jwks = dir.join("jwks.json");
    std::fs::write(&jwks, json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "ed-1", "alg": "EdDSA", "use": "sig"}]}).to_string()).expect("jwks");
    let config = dir.join("kyoyu.toml");
    std::fs::write(
        &config,
        format!(
            "[auth.external]\nissuer = \"{ISSUER}\"\naudience = \"{AUDIENCE}\"\njwks_file = \"{}\"\npublic_keys = [\n  {{ kid = \"rsa-1\", algorithm = \"RS256\", pem_file = \"{}\" }},\n  {{ kid = \"ec-1\", algorithm = \"ES256\", pem_file = \"{}\" }},\n]\n",
            jwks.display(),
            rsa_pub.display(),
            ec_pub.display()
        ),
    )
    .expect("config");
    let hub = Hub::start_with(scratch, &["--config", config.to_str().expect("path")]);
    let idp = Idp {
        rsa: EncodingKey::from_rsa_pem(&std::fs::read(rsa_key).expect("rsa")).expect("rsa key"),
        rsa_public_pem: std::fs::read(rsa_pub).expect("rsa pub"),
        ec: EncodingKey::from_ec_pem(&std::fs::read(ec_key).expect("ec")).expect("ec key"),
        ed: EncodingKey::from_ed_pem(&std::fs::read(ed_key).expect("ed")).expect("ed key"),
    };
    (hub, idp)
}

#[test]
fn external_tokens_verify_with_their_configured_keys_and_attacks_fail() {
    let scratch = Scratch::new();
    let (hub, idp) = hub_with_idp(&scratch);
    let hub_token = hub.member("acme-power", "electricity", "member");
    let status = |token: &str| hub.get("collections/", token).status;
    assert_eq!(status(&hub_token), 200, "hub-issued token");

    let good = claims("acme-power");
    assert_eq!(
        status(&sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &good)),
        200,
        "RS256 from a PEM key"
    );
    assert_eq!(
        status(&sign(Algorithm::ES256, Some("ec-1"), &idp.ec, &good)),
        200,
        "ES256 from a PEM key"
    );
    assert_eq!(
        status(&sign(Algorithm::EdDSA, Some("ed-1"), &idp.ed, &good)),
        200,
        "EdDSA from the JWKS"
    );

    let segment = |value: serde_json::Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let alg_none = format!(
        "{}.{}.",
        segment(json!({"alg": "none", "typ": "JWT"})),
        segment(good.clone())
    );
    let confused = sign(
        Algorithm::HS256,
        Some("rsa-1"),
        &EncodingKey::from_secret(&idp.rsa_public_pem),
        &good,
    );
    let mut expired = good.clone();
    expired["exp"] = json!(now() - 3600);
    expired["nbf"] = json!(now() - 7200);
    let mut early = good.clone();
    early["nbf"] = json!(now() + 3600);
    let mut wrong_audience = good.clone();
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = good.clone();
    wrong_issuer["iss"] = json!("https://evil.example");
    let mut other_org = good.clone();
    other_org["sub"] = json!("nco");
    let valid = sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &good);
    let parts: Vec<&str> = valid.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], segment(other_org), parts[2]);
    let cases = [
        ("alg none", alg_none),
        ("HS256 signed with the RS256 public key", confused),
        (
            "expired",
            sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &expired),
        ),
        (
            "not yet valid",
            sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &early),
        ),
        (
            "wrong audience",
            sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &wrong_audience),
        ),
        (
            "wrong issuer",
            sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &wrong_issuer),
        ),
        ("tampered payload", tampered),
        (
            "unknown kid",
            sign(Algorithm::RS256, Some("rsa-9"), &idp.rsa, &good),
        ),
        ("no kid", sign(Algorithm::RS256, None, &idp.rsa, &good)),
        (
            "key of another algorithm",
            sign(Algorithm::ES256, Some("rsa-1"), &idp.ec, &good),
        ),
        (
            "unknown organisation",
            sign(Algorithm::RS256, Some("rsa-1"), &idp.rsa, &claims("nobody")),
        ),
    ];
    for (case, token) in cases {
        let reply = hub.get("collections/", &token);
        assert_eq!(reply.status, 401, "{case}: {}", reply.body);
        assert_eq!(reply.json()["error_code"], "unauthorized", "{case}");
    }
}

#[test]
fn revoked_tokens_stop_working_at_once() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let other = hub.token("acme-power", None);
    assert_eq!(hub.get("collections/", &token).status, 200);
    kyoyu(&hub.database_url, &["token", "revoke", "--token", &token]);
    assert_eq!(hub.get("collections/", &token).status, 401, "revoked");
    assert_eq!(
        hub.get("collections/", &other).status,
        200,
        "other tokens of the organisation still work"
    );
}

#[test]
fn api_keys_authenticate_over_basic_with_their_role_until_revoked() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let _ = hub.member("acme-power", "electricity", "member");
    let siem_key = kyoyu(
        &hub.database_url,
        &["apikey", "create", "--org", "acme-power"],
    );
    let member_key = kyoyu(
        &hub.database_url,
        &[
            "apikey",
            "create",
            "--org",
            "acme-power",
            "--role",
            "member",
        ],
    );
    let basic = |key: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(key)
        )
    };
    let get = |key: &str| {
        hub.send(
            "GET",
            "collections/",
            &[("Authorization", &basic(key)), ("Accept", TAXII)],
            None,
        )
    };
    assert_eq!(get(&siem_key).status, 200);
    let (client_id, _) = siem_key.split_once(':').expect("CLIENT_ID:SECRET");
    assert_eq!(
        get(&format!("{client_id}:wrong")).status,
        401,
        "wrong secret"
    );
    let body = envelope(&[indicator(
        &stix_id("indicator"),
        "2024-01-01T00:00:00.000Z",
        "198.51.100.1",
    )]);
    let post = |key: &str| {
        hub.send(
            "POST",
            "collections/cross-sector/objects/",
            &[
                ("Authorization", &basic(key)),
                ("Accept", TAXII),
                ("Content-Type", TAXII),
            ],
            Some(&body),
        )
        .status
    };
    assert_eq!(post(&siem_key), 403, "a siem key reads only");
    assert_eq!(post(&member_key), 202, "a member key writes");
    kyoyu(
        &hub.database_url,
        &["apikey", "revoke", "--client-id", client_id],
    );
    assert_eq!(get(&siem_key).status, 401, "revoked at once");

    // The real taxii2-client speaks Basic with the key.
    let Some(python) = e2e::python() else { return };
    let (member_id, member_secret) = member_key.split_once(':').expect("key");
    let script = r#"
import sys
from taxii2client.v21 import ApiRoot
root = ApiRoot(sys.argv[1], user=sys.argv[2], password=sys.argv[3])
aliases = sorted(c.alias for c in root.collections)
assert "cross-sector" in aliases, aliases
collection = next(c for c in root.collections if c.alias == "cross-sector")
objects = collection.get_objects().get("objects", [])
assert len(objects) == 1, objects
print("basic auth ok", aliases)
"#;
    let output = Command::new(python)
        .args(["-c", script, &hub.root, member_id, member_secret])
        .output()
        .expect("python");
    assert!(
        output.status.success(),
        "taxii2-client over Basic failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn client_certificates_authenticate_registered_organisations_over_mutual_tls() {
    let scratch = Scratch::new();
    let dir = &scratch.0;
    let path = |name: &str| dir.join(name).to_str().expect("path").to_owned();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "1",
    ];
    let req = |extra: &[&str]| {
        let mut args = vec!["req"];
        args.extend(extra);
        openssl(&args);
    };
    req(&[
        &["-x509"][..],
        &ec[..],
        &[
            "-subj",
            "/CN=Member CA",
            "-keyout",
            &path("ca.key"),
            "-out",
            &path("ca.pem"),
        ],
    ]
    .concat());
    req(&[
        &["-x509"][..],
        &ec[..],
        &[
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            &path("server.key"),
            "-out",
            &path("server.pem"),
        ],
    ]
    .concat());
    std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").expect("ext");
    for client in ["client", "stranger"] {
        req(&[
            &["-new"][..],
            &ec[..],
            &[
                "-subj",
                &format!("/CN={client}"),
                "-keyout",
                &path(&format!("{client}.key")),
                "-out",
                &path(&format!("{client}.csr")),
            ],
        ]
        .concat());
        openssl(&[
            "x509",
            "-req",
            "-in",
            &path(&format!("{client}.csr")),
            "-CA",
            &path("ca.pem"),
            "-CAkey",
            &path("ca.key"),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &path("client.ext"),
            "-out",
            &path(&format!("{client}.pem")),
        ]);
    }
    req(&[
        &["-x509"][..],
        &ec[..],
        &[
            "-subj",
            "/CN=rogue",
            "-keyout",
            &path("rogue.key"),
            "-out",
            &path("rogue.pem"),
        ],
    ]
    .concat());
    let config = dir.join("kyoyu.toml");
    std::fs::write(
        &config,
        format!(
            "[tls]\ncert = \"{}\"\nkey = \"{}\"\nclient_ca = \"{}\"\n",
            path("server.pem"),
            path("server.key"),
            path("ca.pem")
        ),
    )
    .expect("config");
    let hub = Hub::start_with(&scratch, &["--config", config.to_str().expect("path")]);
    let token = hub.member("acme-power", "electricity", "member");
    let fingerprint = kyoyu(
        &hub.database_url,
        &[
            "cert",
            "add",
            "--org",
            "acme-power",
            "--cert",
            &path("client.pem"),
        ],
    );
    assert_eq!(fingerprint.len(), 64, "{fingerprint}");

    let curl = |extra: &[String]| -> String {
        let output = Command::new("curl")
            .args([
                "-sS",
                "--cacert",
                &path("server.pem"),
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
            ])
            .args(extra)
            .arg(format!("{}collections/", hub.root))
            .output()
            .expect("curl");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let with_cert = |name: &str| {
        vec![
            "--cert".to_owned(),
            path(&format!("{name}.pem")),
            "--key".to_owned(),
            path(&format!("{name}.key")),
        ]
    };
    assert_eq!(
        curl(&with_cert("client")),
        "200",
        "a registered certificate authenticates"
    );
    assert_eq!(
        curl(&with_cert("stranger")),
        "401",
        "signed by the CA but not registered"
    );
    assert_ne!(
        curl(&with_cert("rogue")),
        "200",
        "not signed by the member CA: refused in the handshake"
    );
    assert_eq!(
        curl(&["-H".to_owned(), format!("Authorization: Bearer {token}")]),
        "200",
        "tokens still work without a certificate"
    );
    assert_eq!(curl(&[]), "401", "no credential at all");
    kyoyu(
        &hub.database_url,
        &["cert", "revoke", "--fingerprint", &fingerprint],
    );
    assert_eq!(curl(&with_cert("client")), "401", "revoked at once");
}
