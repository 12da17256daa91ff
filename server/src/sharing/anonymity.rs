//! Anonymous submission: peers see the object attributed to the producer's CEPTOAR (or
//! the hub); the hub keeps the true producer for audit and scoring.
//!
//! A member asks for it per object with `"x_kyoyu_anonymous": "ceptoar"` or `"hub"`.
//! The hub then sets `created_by_ref` to the identity of the CEPTOAR (or of the hub);
//! this is the one case where the hub rewrites a member's object.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::stix::validate::{Attribution, ValidObject};

/// Namespace of the identities the hub speaks as (UUID v5 names below).
const NAMESPACE: Uuid = Uuid::from_u128(0x6b79_6f79_752d_4b79_8f79_752d_6875_6221);

/// The STIX identity id of a CEPTOAR, stable across hubs: `identity--<uuid5(ceptoar:<slug>)>`.
pub fn ceptoar_identity(slug: &str) -> String {
    format!(
        "identity--{}",
        Uuid::new_v5(&NAMESPACE, format!("ceptoar:{slug}").as_bytes())
    )
}

/// The STIX identity id of the hub itself.
pub fn hub_identity() -> String {
    format!("identity--{}", Uuid::new_v5(&NAMESPACE, b"hub"))
}

/// Rewrites `created_by_ref` of an object that asked for anonymity. SCOs carry no
/// `created_by_ref` and are left as they are.
pub fn apply(object: &mut ValidObject<'_>, ceptoar: Option<&str>) -> Result<(), serde_json::Error> {
    let Some(attribution) = object.anonymous else {
        return Ok(());
    };
    if !object.attributable {
        return Ok(());
    }
    let identity = match (attribution, ceptoar) {
        (Attribution::Ceptoar, Some(slug)) => ceptoar_identity(slug),
        // An organisation without a CEPTOAR is attributed to the hub.
        (Attribution::Ceptoar, None) | (Attribution::Hub, _) => hub_identity(),
    };
    let mut map: Map<String, Value> = serde_json::from_str(object.raw.get())?;
    map.insert("created_by_ref".into(), Value::String(identity));
    object.rewritten = Some(serde_json::to_string(&map)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;
    use crate::stix::validate_object;

    #[test]
    fn anonymous_objects_are_attributed_to_the_ceptoar_or_the_hub() {
        let json = r#"{"type":"malware","spec_version":"2.1","id":"malware--4e7d1a2b-8c9f-4a3e-9b6d-2f1c0e8a7b54","created":"2026-01-15T09:32:00.000Z","modified":"2026-01-15T09:32:00.000Z","name":"x","is_family":true,"created_by_ref":"identity--5b3c9e8a-2f7d-4f43-9a1e-3c2f1d6b7a90","x_kyoyu_anonymous":"ceptoar"}"#;
        let raw: Box<RawValue> = serde_json::from_str(json).expect("json");
        let mut object = validate_object(&raw, 0).expect("valid");
        apply(&mut object, Some("electricity")).expect("rewrite");
        let stored: Value = serde_json::from_str(object.body()).expect("json");
        assert_eq!(stored["created_by_ref"], ceptoar_identity("electricity"));
        assert_ne!(ceptoar_identity("electricity"), ceptoar_identity("gas"));
        apply(&mut object, None).expect("rewrite");
        let stored: Value = serde_json::from_str(object.body()).expect("json");
        assert_eq!(stored["created_by_ref"], hub_identity());
        assert!(
            crate::stix::id::StixId::parse(&hub_identity()).is_ok(),
            "a valid identifier"
        );
    }
}
