//! The trust community: sectors, CEPTOARs, organisations, roles and who may read or
//! write a collection. Every path asks `access` here; nothing else decides.

pub mod anonymity;
pub mod registry;

use serde::{Deserialize, Serialize};

use crate::storage::collections::Collection;
use crate::storage::objects::Visibility;

/// An organisation's standing in the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    Member,
    Analyst,
    Admin,
}

/// What a credential acts as: an organisation's role, or its read-only machine client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Siem,
    Analyst,
    Admin,
}

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Member => "member",
            OrgRole::Analyst => "analyst",
            OrgRole::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<OrgRole> {
        match text {
            "member" => Some(OrgRole::Member),
            "analyst" => Some(OrgRole::Analyst),
            "admin" => Some(OrgRole::Admin),
            _ => None,
        }
    }

    /// The role a credential of this organisation gets when none is asked for.
    pub fn default_credential(self) -> Role {
        match self {
            OrgRole::Member => Role::Member,
            OrgRole::Analyst => Role::Analyst,
            OrgRole::Admin => Role::Admin,
        }
    }

    /// Whether an organisation of this role may hold a credential of `role`: any
    /// organisation may have read-only machine clients; nobody gets more than its role.
    pub fn may_issue(self, role: Role) -> bool {
        match role {
            Role::Siem => true,
            Role::Member => self == OrgRole::Member,
            Role::Analyst => self == OrgRole::Analyst,
            Role::Admin => self == OrgRole::Admin,
        }
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Siem => "siem",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

/// An authenticated caller: an organisation acting through one credential.
#[derive(Debug, Clone)]
pub struct Principal {
    pub org_pk: i64,
    pub org_slug: String,
    pub sector: String,
    pub ceptoar: Option<String>,
    pub role: Role,
}

impl Principal {
    /// Coordination-center analysts and administrators see every collection and object.
    pub fn sees_everything(&self) -> bool {
        matches!(self.role, Role::Analyst | Role::Admin)
    }
}

/// What a principal may do in a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub read: bool,
    pub write: bool,
}

/// A collection's audience, from its kind (DESIGN "TAXII 2.1"):
/// - `cross-sector`: every member reads and writes;
/// - `sector-<slug>`: that sector's members read and write;
/// - `advisories`: everyone reads, the coordination center writes;
/// - analysts and administrators read and write every collection;
/// - a machine client (`siem`) reads what its organisation reads and writes nothing.
pub fn access(principal: &Principal, collection: &Collection) -> Access {
    let read = principal.sees_everything()
        || match collection.kind.as_str() {
            "cross-sector" | "advisories" => true,
            "sector" => collection.sector_slug.as_deref() == Some(principal.sector.as_str()),
            _ => false,
        };
    let write = read
        && match principal.role {
            Role::Siem => false,
            Role::Analyst | Role::Admin => true,
            Role::Member => collection.kind != "advisories",
        };
    Access { read, write }
}

/// Which object versions inside a readable collection a principal sees: everything
/// but TLP:RED, plus RED it produced or is named a recipient of; analysts and
/// administrators see all.
pub fn visibility(principal: &Principal) -> Visibility {
    if principal.sees_everything() {
        Visibility::All
    } else {
        Visibility::Organization(principal.org_pk)
    }
}

/// The collections and RED rule a principal reads, for listings; `None` for the
/// coordination center and administrators, who read everything.
pub fn read_scope(
    principal: &Principal,
    collections: &[Collection],
) -> Option<crate::storage::console::Scope> {
    (!principal.sees_everything()).then(|| crate::storage::console::Scope {
        collection_pks: collections
            .iter()
            .filter(|c| access(principal, c).read)
            .map(|c| c.pk)
            .collect(),
        visibility: visibility(principal),
    })
}

/// Whether a principal may read one object version: the collection's audience, and
/// for TLP:RED only its producer, its named recipients and the coordination center.
/// (The SQL listings apply the same rule through `visibility`.)
pub fn may_read_version(
    principal: &Principal,
    collection: &Collection,
    tlp: &str,
    producer_pk: i64,
    recipients: &[i64],
) -> bool {
    access(principal, collection).read
        && (tlp != "red"
            || principal.sees_everything()
            || producer_pk == principal.org_pk
            || recipients.contains(&principal.org_pk))
}

/// The principal an organisation acts as with its own role's credential.
pub fn organization_principal(
    organization: &crate::storage::organizations::Organization,
) -> Principal {
    Principal {
        org_pk: organization.pk,
        org_slug: organization.slug.clone(),
        sector: organization.sector_slug.clone(),
        ceptoar: organization.ceptoar_slug.clone(),
        role: organization.role.default_credential(),
    }
}

/// Only the organisation that created an object (or an administrator) may add versions
/// of it or delete it (STIX 2.1 section 3.6: only the object creator versions an object).
pub fn may_manage(principal: &Principal, owner_pk: i64) -> bool {
    principal.role == Role::Admin || (principal.role != Role::Siem && principal.org_pk == owner_pk)
}
