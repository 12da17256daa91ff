//! The STIX 2.1 object corpus (`stix_corpus/objects.jsonl`, written by
//! `stix_corpus/generate.py`): every object's verdict from `validate_object` must be the
//! corpus verdict. The same verdicts are checked against the OASIS validator by
//! `tests/python/check_object_corpus.py` (e2e test `object_oracle`).

use std::path::Path;

use kyoyu::stix::{Options, validate_object, validate_object_with};
use serde_json::{Value, value::RawValue};

const CORPUS: &str = include_str!("stix_corpus/objects.jsonl");

struct Case {
    line: usize,
    name: String,
    valid: bool,
    object: Box<RawValue>,
}

fn cases() -> Vec<Case> {
    CORPUS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let line_number = index + 1;
            let entry: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line {line_number}: not JSON: {e}"));
            let valid = match entry["verdict"].as_str() {
                Some("valid") => true,
                Some("invalid") => false,
                other => panic!("line {line_number}: verdict {other:?}"),
            };
            let object = RawValue::from_string(entry["object"].to_string())
                .unwrap_or_else(|e| panic!("line {line_number}: object: {e}"));
            Case {
                line: line_number,
                name: entry["case"].as_str().unwrap_or_default().to_owned(),
                valid,
                object,
            }
        })
        .collect()
}

#[test]
fn every_corpus_verdict_holds() {
    let cases = cases();
    let valid = cases.iter().filter(|c| c.valid).count();
    assert!(
        cases.len() >= 500 && valid >= 200 && cases.len() - valid >= 200,
        "the corpus has {} cases ({valid} valid)",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let result = validate_object(&case.object, 0);
            (result.is_ok() != case.valid).then(|| {
                format!(
                    "line {} ({}): expected {}, got {:?}",
                    case.line,
                    case.name,
                    if case.valid { "valid" } else { "invalid" },
                    result.map(|o| o.warnings).map_err(|r| r.message)
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus verdicts fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Valid corpus cases with custom content, which strict mode refuses.
const CUSTOM_CONTENT: &[&str] = &[
    "indicator: x_ custom property",
    "custom property: without x_ prefix",
    "custom property: _bin base64",
    "custom object: SDO-like",
    "custom object: SCO-like",
    "custom object: without x- prefix",
    "file: custom -ext extension",
    "ipv4-addr: x_ custom property",
    "process: x_ custom property",
];

/// Valid corpus cases whose custom content an extension definition declares, or that
/// only carry the hub's own properties: strict mode accepts them.
const DECLARED_CONTENT: &[&str] = &[
    "custom object: declared by an extension definition",
    "extensions: toplevel-property-extension with its properties",
    "extensions: property-extension",
    "hub property: recipients",
    "hub property: anonymous",
    "indicator: complete",
    "file: extension-definition extension",
];

#[test]
fn strict_mode_refuses_custom_content_unless_an_extension_declares_it() {
    let strict = Options { strict: true };
    let cases = cases();
    let named = |name: &str| {
        cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no corpus case {name:?}"))
    };
    for name in CUSTOM_CONTENT {
        let case = named(name);
        assert!(
            validate_object(&case.object, 0).is_ok(),
            "case {name}: the default accepts it"
        );
        let rejection = validate_object_with(&case.object, 0, &strict)
            .expect_err("strict mode refuses custom content");
        assert!(
            rejection.message.contains("strict mode"),
            "case {name}: {}",
            rejection.message
        );
    }
    for name in DECLARED_CONTENT {
        let case = named(name);
        let result = validate_object_with(&case.object, 0, &strict);
        assert!(result.is_ok(), "case {name}: {result:?}");
    }
    for case in cases.iter().filter(|c| c.valid) {
        if let Err(rejection) = validate_object_with(&case.object, 0, &strict) {
            assert!(
                rejection.message.contains("strict mode")
                    || rejection.message.contains("not a common property"),
                "line {} ({}): strict mode refused it for another reason: {}",
                case.line,
                case.name,
                rejection.message
            );
        }
    }
}

#[test]
fn the_generator_is_beside_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stix_corpus");
    assert!(dir.join("generate.py").is_file(), "generate.py is missing");
}
