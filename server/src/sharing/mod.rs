//! The trust community: sectors, CEPTOARs, organisations, roles and who may read or
//! write a collection. Every path asks `access` here; nothing else decides.

pub mod registry;

use serde::{Deserialize, Serialize};

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
    pub role: Role,
}

/// What a principal may do in a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub read: bool,
    pub write: bool,
}

/// Collection access. Sector scoping and TLP rules arrive with the sharing work; until
/// then every authenticated principal reads every collection, and every role except the
/// read-only machine client writes.
pub fn access(principal: &Principal) -> Access {
    Access {
        read: true,
        write: principal.role != Role::Siem,
    }
}
