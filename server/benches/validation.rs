//! Validation throughput: STIX patterns parsed per second over the corpus's valid
//! patterns, and the cost per call of accepting one typical indicator (validation, then
//! observable extraction from the parsed object).
//!
//! `cargo bench -p kyoyu --bench validation -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kyoyu::stix::observable::{self, Observable};
use kyoyu::stix::pattern::Pattern;
use kyoyu::stix::validate_object;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

const CORPUS: &str = include_str!("../src/stix/pattern/corpus.txt");

/// A typical indicator as producers send it: about 600 bytes, two observations.
const INDICATOR: &str = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","created":"2024-03-01T09:15:00.000Z","modified":"2024-03-01T09:15:00.000Z","name":"Ransomware C2","description":"Address and domain seen in beaconing.","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'c2.example.com']","pattern_type":"stix","pattern_version":"2.1","valid_from":"2024-03-01T09:15:00Z","confidence":80,"object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}"#;

fn valid_patterns() -> Vec<&'static str> {
    CORPUS
        .lines()
        .filter_map(|line| line.strip_prefix("valid\t"))
        .map(|line| {
            line.split_once("\t# oracle disagrees:")
                .map_or(line, |(pattern, _)| pattern)
        })
        .collect()
}

fn validate_and_extract(raw: &RawValue) -> Vec<Observable> {
    let valid = validate_object(raw, 0).expect("the indicator is valid");
    let object: Map<String, Value> =
        serde_json::from_str(valid.raw.get()).expect("a validated object is a JSON object");
    observable::extract(&object)
}

fn patterns(c: &mut Criterion) {
    let patterns = valid_patterns();
    for pattern in &patterns {
        assert!(
            Pattern::parse(pattern).is_ok(),
            "corpus pattern {pattern:?}"
        );
    }
    let mut group = c.benchmark_group("pattern");
    group.throughput(Throughput::Elements(patterns.len() as u64));
    group.bench_function("parse_valid_corpus", |b| {
        b.iter(|| {
            for pattern in &patterns {
                let _ = black_box(Pattern::parse(black_box(pattern)));
            }
        });
    });
    group.finish();
}

fn indicator(c: &mut Criterion) {
    let raw: &RawValue = serde_json::from_str(INDICATOR).expect("indicator JSON");
    let found = validate_and_extract(raw);
    assert_eq!(found.len(), 2, "observables of the indicator: {found:?}");
    let object: Map<String, Value> = serde_json::from_str(INDICATOR).expect("indicator JSON");

    let mut group = c.benchmark_group("indicator");
    group.throughput(Throughput::Elements(1));
    group.bench_function("validate_and_extract", |b| {
        b.iter(|| validate_and_extract(black_box(raw)));
    });
    group.bench_function("validate_object", |b| {
        b.iter(|| validate_object(black_box(raw), 0).map(|valid| valid.version));
    });
    group.bench_function("extract", |b| {
        b.iter(|| observable::extract(black_box(&object)));
    });
    group.finish();
}

criterion_group!(benches, patterns, indicator);
criterion_main!(benches);
