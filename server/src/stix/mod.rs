//! STIX 2.1, as pure domain code: identifiers, timestamps, envelopes and validation.
//! No HTTP and no SQL here.

pub mod canonical;
mod conform;
pub mod envelope;
pub mod formats;
pub mod id;
pub mod observable;
pub mod pattern;
pub mod schema;
pub mod timestamp;
pub mod tlp;
pub mod validate;

pub use validate::{Options, Rejection, ValidObject, validate_object, validate_object_with};
