//! Traffic Light Protocol levels and the STIX marking definitions that carry them
//! (TLP 1.0 from STIX 2.1 section 7.2.1.4, TLP 2.0 from the OASIS TLP 2.0 extension).

use serde::{Deserialize, Serialize};

/// A TLP level, ordered from least to most restrictive. TLP 1.0 WHITE is CLEAR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

/// The marking definitions that carry a TLP level, by id.
const MARKINGS: &[(&str, Tlp)] = &[
    // TLP 1.0 (STIX 2.1 section 7.2.1.4)
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
    // TLP 2.0 (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d)
    (
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Clear,
    ),
    (
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Green,
    ),
    (
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::Amber,
    ),
    (
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::AmberStrict,
    ),
    (
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        Tlp::Red,
    ),
];

impl Tlp {
    /// The level a marking definition id stands for, if it is a TLP marking.
    pub fn of_marking(id: &str) -> Option<Tlp> {
        MARKINGS
            .iter()
            .find(|(marking, _)| *marking == id)
            .map(|(_, tlp)| *tlp)
    }

    /// The most restrictive TLP among marking references (object-level and granular
    /// alike: a part marked RED makes the whole object RED to the hub); `None` when
    /// none is a TLP marking.
    pub fn most_restrictive<'a>(marking_refs: impl IntoIterator<Item = &'a str>) -> Option<Tlp> {
        marking_refs.into_iter().filter_map(Tlp::of_marking).max()
    }

    /// The spelling used in routing keys, settings and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber-strict",
            Tlp::Red => "red",
        }
    }

    pub fn parse(text: &str) -> Option<Tlp> {
        match text {
            "clear" | "white" => Some(Tlp::Clear),
            "green" => Some(Tlp::Green),
            "amber" => Some(Tlp::Amber),
            "amber-strict" | "amber+strict" => Some(Tlp::AmberStrict),
            "red" => Some(Tlp::Red),
            _ => None,
        }
    }

    /// Whether an object at this level may be forwarded outside the hub (federation,
    /// feeds, exports). AMBER+STRICT and RED never leave it.
    pub fn may_leave_hub(self) -> bool {
        self < Tlp::AmberStrict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_restrictive_marking_wins_across_tlp_versions() {
        let cases: [(&[&str], Option<Tlp>); 5] = [
            (&[], None),
            (
                &["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"],
                Some(Tlp::Clear),
            ),
            (
                &[
                    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                ],
                Some(Tlp::Red),
            ),
            (
                &[
                    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
                    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                ],
                Some(Tlp::AmberStrict),
            ),
            (
                &["marking-definition--00000000-0000-4000-8000-000000000000"],
                None,
            ),
        ];
        for (refs, expected) in cases {
            assert_eq!(
                Tlp::most_restrictive(refs.iter().copied()),
                expected,
                "case {refs:?}"
            );
        }
    }

    #[test]
    fn amber_strict_and_red_never_leave_the_hub() {
        assert!(Tlp::Amber.may_leave_hub());
        assert!(!Tlp::AmberStrict.may_leave_hub());
        assert!(!Tlp::Red.may_leave_hub());
    }
}
