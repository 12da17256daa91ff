//! Kyoyu: a TAXII 2.1 / STIX 2.1 threat-information sharing hub for critical-infrastructure
//! sectors.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod console;
pub mod correlation;
pub mod decisions;
pub mod demo;
pub mod error;
pub mod fanout;
pub mod health;
pub mod metrics;
pub mod scoring;
pub mod sharing;
pub mod startup;
pub mod stix;
pub mod storage;
pub mod taxii;
pub mod telemetry;
