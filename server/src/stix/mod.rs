//! STIX 2.1, as pure domain code: identifiers, timestamps, envelopes and validation.
//! No HTTP and no SQL here.

pub mod envelope;
pub mod id;
pub mod pattern;
pub mod timestamp;
pub mod tlp;
pub mod validate;

pub use validate::{Rejection, ValidObject, validate_object};
