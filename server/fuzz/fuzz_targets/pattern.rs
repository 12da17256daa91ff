//! `Pattern::parse` on arbitrary UTF-8: it must never panic, an error's offset must be a
//! character boundary inside the text, and an accepted pattern must print to text that
//! parses back to the same canonical text.

#![no_main]

use kyoyu::stix::observable;
use kyoyu::stix::pattern::{Pattern, Vocabulary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for vocabulary in [Vocabulary::Strict, Vocabulary::Open] {
        match Pattern::parse_with(text, vocabulary) {
            Ok(pattern) => {
                let printed = pattern.to_string();
                let again = Pattern::parse_with(&printed, vocabulary)
                    .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}: {e}"));
                assert_eq!(again.to_string(), printed, "{text:?}");
                let _ = observable::from_pattern(&pattern);
            }
            Err(error) => {
                assert!(error.offset <= text.len(), "{text:?}: {error}");
                assert!(text.is_char_boundary(error.offset), "{text:?}: {error}");
            }
        }
    }
});
