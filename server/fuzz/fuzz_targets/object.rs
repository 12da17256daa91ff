//! `validate_object` on arbitrary bytes that parse as one JSON value, then observable
//! extraction on whatever JSON object they hold: neither may panic.

#![no_main]

use kyoyu::stix::{observable, validate_object};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(raw) = serde_json::from_str::<&RawValue>(text) else {
        return;
    };
    if let Ok(valid) = validate_object(raw, 0) {
        assert!(!valid.body().is_empty());
    }
    if let Ok(object) = serde_json::from_str::<Map<String, Value>>(text) {
        let _ = observable::extract(&object);
    }
});
