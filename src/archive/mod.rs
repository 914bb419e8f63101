//! Sealing, verification and the audit log.
//!
//! [`seal`] writes a manifest over the evidence, the event rows, the import issues and
//! the audit chain, and freezes the case. [`verify`] recomputes all of it from the
//! case file and names every difference.

pub mod audit;
mod seal;

pub use seal::{seal, verify, Manifest, Verification};
