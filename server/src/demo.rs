//! `kyoyu serve --demo`: one member per sector, a coordination-center analyst, a sample
//! bundle in `cross-sector`, and ready tokens. Safe to repeat: what exists is kept.

use std::time::Duration;

use anyhow::Context;

use crate::config::Settings;
use crate::sharing::OrgRole;
use crate::startup::jwt_keys;
use crate::stix::{self, envelope};
use crate::storage::organizations::NewOrganization;
use crate::storage::{Store, StoreError};

const SAMPLE_BUNDLE: &str = include_str!("../../seeds/bundles/demo.json");
/// Reports, independent findings and sightings by several demo members.
const DEMO_ACTIVITY: &str = include_str!("../../seeds/bundles/demo-activity.json");

#[derive(serde::Deserialize)]
struct Activity {
    submissions: Vec<ActivityEntry>,
}

#[derive(serde::Deserialize)]
struct ActivityEntry {
    organization: String,
    collection: String,
    objects: Vec<serde_json::Value>,
}
const TOKEN_TTL: Duration = Duration::from_secs(30 * 86_400);

/// Creates the demo principals and data, and prints their tokens and a `curl` line.
pub async fn create(store: &Store, settings: &Settings, url: &str) -> anyhow::Result<()> {
    let mut organizations = vec![NewOrganization {
        slug: "nco".into(),
        name: "National Cybersecurity Office (demo analyst)".into(),
        sector: "government".into(),
        role: OrgRole::Analyst,
    }];
    for sector in store.sector_slugs().await? {
        organizations.push(NewOrganization {
            slug: format!("demo-{sector}"),
            name: format!("Demo member ({sector})"),
            sector,
            role: OrgRole::Member,
        });
    }
    for organization in &organizations {
        match store.add_organization(organization).await {
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(error) => {
                return Err(error).with_context(|| format!("adding {}", organization.slug));
            }
        }
    }

    submit(
        store,
        "demo-electricity",
        "cross-sector",
        SAMPLE_BUNDLE.as_bytes(),
    )
    .await
    .context("the sample bundle")?;
    let activity: Activity =
        serde_json::from_str(DEMO_ACTIVITY).context("parsing seeds/bundles/demo-activity.json")?;
    for entry in activity.submissions {
        let envelope = serde_json::json!({ "objects": entry.objects }).to_string();
        submit(
            store,
            &entry.organization,
            &entry.collection,
            envelope.as_bytes(),
        )
        .await
        .with_context(|| format!("demo activity of {}", entry.organization))?;
    }

    let (keys, _) = jwt_keys(settings, store).await?;
    println!("Demo organisations and tokens (valid 30 days):");
    let mut analyst_token = String::new();
    for organization in &organizations {
        let token = keys.issue(
            &organization.slug,
            organization.role.default_credential(),
            TOKEN_TTL,
        )?;
        println!(
            "  {:<24} {:<8} {token}",
            organization.slug,
            organization.role.as_str()
        );
        if organization.role == OrgRole::Analyst {
            analyst_token = token;
        }
    }
    let root = &settings.taxii.api_root;
    println!("Try (the analyst reads the sample indicators in cross-sector):");
    println!(
        "  curl -s -H 'Authorization: Bearer {analyst_token}' -H 'Accept: application/taxii+json;version=2.1' \
         {url}/taxii2/{root}/collections/cross-sector/objects/"
    );
    println!(
        "Console: open {url}/console/ and sign in with a token above in the \"Secret or token\" \
         field (client id left empty): the nco token for the analysts' queue, a demo-* token for \
         a member's read-only view."
    );
    Ok(())
}

/// Validates an envelope and stores it as `organization` into `collection`, as a TAXII
/// POST would (a repeat stores nothing new).
async fn submit(
    store: &Store,
    organization: &str,
    collection: &str,
    envelope_json: &[u8],
) -> anyhow::Result<()> {
    let producer = store
        .organization(organization)
        .await?
        .with_context(|| format!("{organization} exists"))?;
    let collection = store
        .collection(collection)
        .await?
        .with_context(|| format!("{collection} is seeded"))?;
    let objects = envelope::parse(envelope_json)?
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            stix::validate_object(raw, index)
                .map_err(|r| anyhow::anyhow!("{}: {}", r.id, r.message))
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .context("the demo objects are valid")?;
    let submission = crate::storage::Submission {
        collection_pk: collection.pk,
        producer_pk: producer.pk,
        may_version_any: false,
        audit: None,
        default_tlp: crate::stix::tlp::Tlp::parse(&collection.default_tlp)
            .unwrap_or(crate::stix::tlp::Tlp::Green),
    };
    let status = store
        .add_objects(
            &submission,
            &objects,
            Vec::new(),
            &std::collections::HashMap::new(),
        )
        .await?;
    anyhow::ensure!(status.failure_count == 0, "refused: {:?}", status.failures);
    Ok(())
}
