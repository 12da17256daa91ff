//! Integration tests of `kyoyu-connect`: one binary, a module per area.

mod helpers;
mod importers;
mod rabbitmq;
mod sinks;
