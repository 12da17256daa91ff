//! Feeds turned into STIX 2.1 for the importers: MISP events and feeds, CSV IOC lists. Pure
//! conversion: reading files is the caller's, posting is `import`'s.

pub mod csv;
pub mod misp;
pub mod stix;

use serde_json::Value;

/// A source record left out of the conversion, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where in the source: `line 7`, `event <uuid> attribute <uuid>`.
    pub location: String,
    pub reason: String,
}

/// What a conversion produced.
#[derive(Debug, Default)]
pub struct Converted {
    /// STIX objects, containers after the objects they refer to.
    pub objects: Vec<Value>,
    pub skipped: Vec<Skipped>,
}

impl Converted {
    fn skip(&mut self, location: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            location: location.into(),
            reason: reason.into(),
        });
    }
}
