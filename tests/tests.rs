//! Integration tests of the core and the `tideline` CLI, as one binary.

mod util;

mod cli;
mod report;
mod seal;
mod syslog;
mod timelines;
