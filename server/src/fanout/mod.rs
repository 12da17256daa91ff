//! Fan-out to RabbitMQ: the routing every message and binding follows (pure, below),
//! the relay that drains the outbox (`relay`), and queue provisioning (`provision`).
//!
//! Routing keys are `<collection alias>.<stix type>.<tlp>`; a TLP:RED version is
//! published once per entitled organisation as `<alias>.<type>.red.<organisation slug>`,
//! so RED reaches only the producer, the named recipients and the coordination center.

pub mod provision;
pub mod relay;

use crate::sharing::{self, Principal};
use crate::storage::collections::Collection;
use crate::storage::outbox::Duty;

/// The topic exchange every message is published to.
pub const EXCHANGE: &str = "kyoyu.stix";

/// The queue of an organisation.
pub fn queue_name(organization: &str) -> String {
    format!("kyoyu.org.{organization}")
}

/// The TLP levels below RED, as they appear in routing keys.
const SHARED_LEVELS: [&str; 4] = ["clear", "green", "amber", "amber-strict"];

/// The routing keys one duty is published under (one message each).
pub fn routing_keys(duty: &Duty, coordination_center: &[String]) -> Vec<String> {
    let prefix = format!("{}.{}", duty.collection_alias, duty.stix_type);
    if duty.tlp != "red" {
        return vec![format!("{prefix}.{}", duty.tlp)];
    }
    let mut entitled: Vec<&str> = std::iter::once(duty.producer_slug.as_str())
        .chain(duty.red_to.iter().map(String::as_str))
        .chain(coordination_center.iter().map(String::as_str))
        .filter(|slug| !slug.is_empty())
        .collect();
    entitled.sort_unstable();
    entitled.dedup();
    entitled
        .into_iter()
        .map(|slug| format!("{prefix}.red.{slug}"))
        .collect()
}

/// The bindings of an organisation's queue, from the same policy TAXII reads use: every
/// collection it reads, every TLP below RED, and RED addressed to it. The coordination
/// center (analysts, administrators) binds with wildcards, so new collections need no
/// re-provisioning for it.
pub fn bindings(principal: &Principal, collections: &[Collection]) -> Vec<String> {
    let slug = &principal.org_slug;
    let mut keys = Vec::new();
    if principal.sees_everything() {
        keys.extend(SHARED_LEVELS.iter().map(|tlp| format!("*.*.{tlp}")));
        keys.push(format!("*.*.red.{slug}"));
    } else {
        for collection in collections
            .iter()
            .filter(|c| sharing::access(principal, c).read)
        {
            keys.extend(
                SHARED_LEVELS
                    .iter()
                    .map(|tlp| format!("{}.*.{tlp}", collection.alias)),
            );
            keys.push(format!("{}.*.red.{slug}", collection.alias));
        }
    }
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::Role;

    fn duty(tlp: &str, red_to: &[&str]) -> Duty {
        Duty {
            seq: 1,
            deleted: false,
            collection_alias: "sector-electricity".into(),
            collection_id: "c".into(),
            stix_id: "indicator--x".into(),
            stix_type: "indicator".into(),
            version: "v".into(),
            date_added: 0,
            tlp: tlp.into(),
            producer_slug: "power-a".into(),
            producer_sector: "electricity".into(),
            body: None,
            red_to: red_to.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn red_is_addressed_to_each_entitled_organisation_once() {
        assert_eq!(
            routing_keys(&duty("amber", &[]), &["nco".into()]),
            ["sector-electricity.indicator.amber"]
        );
        assert_eq!(
            routing_keys(&duty("red", &["bank", "power-a"]), &["nco".into()]),
            [
                "sector-electricity.indicator.red.bank",
                "sector-electricity.indicator.red.nco",
                "sector-electricity.indicator.red.power-a"
            ]
        );
    }

    #[test]
    fn members_bind_their_readable_collections_and_the_center_binds_everything() {
        let collection = |alias: &str, kind: &str, sector: Option<&str>| Collection {
            pk: 1,
            id: "id".into(),
            alias: alias.into(),
            title: String::new(),
            description: String::new(),
            kind: kind.into(),
            sector_slug: sector.map(str::to_owned),
            default_tlp: "green".into(),
        };
        let collections = [
            collection("cross-sector", "cross-sector", None),
            collection("sector-gas", "sector", Some("gas")),
            collection("sector-water", "sector", Some("water")),
        ];
        let member = Principal {
            org_pk: 1,
            org_slug: "gasco".into(),
            sector: "gas".into(),
            ceptoar: None,
            role: Role::Member,
        };
        let keys = bindings(&member, &collections);
        assert!(keys.contains(&"sector-gas.*.amber".to_owned()));
        assert!(keys.contains(&"sector-gas.*.red.gasco".to_owned()));
        assert!(
            !keys.iter().any(|k| k.starts_with("sector-water")),
            "{keys:?}"
        );
        let center = Principal {
            role: Role::Analyst,
            org_slug: "nco".into(),
            ..member
        };
        assert_eq!(bindings(&center, &collections).len(), 5);
    }
}
