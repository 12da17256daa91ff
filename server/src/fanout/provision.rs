//! `kyoyu amqp provision`: one durable quorum queue per organisation, bound from the
//! sharing policy; re-running converges (adds new bindings, removes stale ones it made).

use lapin::options::{QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Connection, ConnectionProperties};

use super::{EXCHANGE, bindings, queue_name};
use crate::storage::Store;

/// What a provisioning run changed.
#[derive(Debug, Default)]
pub struct Report {
    pub queues: usize,
    pub bound: usize,
    pub unbound: usize,
}

pub async fn provision(store: &Store, amqp_url: &str) -> anyhow::Result<Report> {
    use anyhow::Context;
    let connection = Connection::connect(amqp_url, ConnectionProperties::default())
        .await
        .context("connecting to the broker")?;
    let channel = connection.create_channel().await?;
    super::relay::declare_exchange(&channel)
        .await
        .context("declaring the exchange")?;
    let collections = store.collections().await?;
    let mut report = Report::default();
    for organization in store.organizations().await? {
        let principal = crate::sharing::organization_principal(&organization);
        let queue = queue_name(&organization.slug);
        let mut arguments = FieldTable::default();
        arguments.insert(
            ShortString::from("x-queue-type"),
            AMQPValue::LongString(LongString::from("quorum".to_owned())),
        );
        channel
            .queue_declare(
                ShortString::from(queue.clone()),
                QueueDeclareOptions {
                    durable: true,
                    ..QueueDeclareOptions::default()
                },
                arguments,
            )
            .await
            .with_context(|| {
                format!(
                    "declaring {queue} (an existing queue of another type must be deleted first)"
                )
            })?;
        report.queues += 1;
        let desired = bindings(&principal, &collections);
        // Binding is idempotent: bind everything, so a broker that lost bindings heals.
        for key in &desired {
            channel
                .queue_bind(
                    ShortString::from(queue.clone()),
                    EXCHANGE.into(),
                    ShortString::from(key.clone()),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await
                .with_context(|| format!("binding {queue} to {key}"))?;
        }
        let previous = store.amqp_bindings(&queue).await?;
        report.bound += desired.iter().filter(|key| !previous.contains(key)).count();
        for stale in previous.iter().filter(|key| !desired.contains(key)) {
            channel
                .queue_unbind(
                    ShortString::from(queue.clone()),
                    EXCHANGE.into(),
                    ShortString::from(stale.clone()),
                    FieldTable::default(),
                )
                .await
                .with_context(|| format!("unbinding {queue} from {stale}"))?;
            report.unbound += 1;
        }
        store.set_amqp_bindings(&queue, &desired).await?;
    }
    let _ = connection
        .close(200, ShortString::from("provisioned"))
        .await;
    Ok(report)
}
