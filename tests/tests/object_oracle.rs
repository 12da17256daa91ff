//! The hub's STIX 2.1 object corpus checked by an independent oracle: the OASIS
//! validator (`stix2-validator`) must give every object the corpus verdict, except on
//! the lines marked `oracle_disagrees` with the specification clause it gets wrong. The
//! hub itself is held to every verdict by the `kyoyu` test `stix_corpus`.
//!
//! Needs `$KYOYU_PYTHON` to be an interpreter with `tests/python/requirements.txt`
//! installed; without it the test is skipped locally (and fails under `CI=true`).

use std::process::Command;

const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/check_object_corpus.py");
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/tests/stix_corpus/objects.jsonl"
);

#[test]
fn the_oasis_validator_agrees_with_every_unmarked_corpus_verdict() {
    let Some(python) = e2e::python() else { return };
    let output = Command::new(&python)
        .arg(CHECK)
        .arg(CORPUS)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("run {} {CHECK}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the oracle disagrees with the corpus ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("0 unexplained, 0 stale marks"),
        "the oracle script did not report a clean run:\n{stdout}"
    );
    println!("{stdout}");
}
