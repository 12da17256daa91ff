//! Kyoyu connectors: a fan-out consumer that feeds SIEMs (JSON lines, syslog/CEF, Splunk HEC,
//! Elasticsearch) from an organisation's RabbitMQ queue, and importers that turn MISP events and
//! CSV IOC lists into STIX 2.1 and post them to the hub over TAXII 2.1. Never depends on the
//! `kyoyu` crate: `schemas/amqp-message.schema.json` and TAXII are the only contracts.

pub mod cli;
pub mod consumer;
pub mod dedup;
pub mod feeds;
pub mod import;
pub mod message;
pub mod pattern;
pub mod progress;
pub mod sinks;
pub mod taxii;
