//! Integration tests of the core and the `tideline` CLI, as one binary.

mod util;

mod cli;
mod cloudtrail;
mod containers;
mod engine;
mod engine_fast;
mod incident;
mod ioc;
mod journal;
mod lessons;
mod report;
mod report_docs;
mod seal;
mod syslog;
mod timelines;
mod web;
mod windows;
mod zeek;
