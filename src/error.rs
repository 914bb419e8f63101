//! The one error type of the core library.
//!
//! Every variant carries what a user needs to act on it: which file, which line, which
//! evidence. The CLI prints them as they are; the desktop app sends them to the UI as
//! `{ code, message }` using [`Error::code`].

use std::path::PathBuf;

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("case file: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0} already exists; choose another path or open it")]
    CaseExists(PathBuf),
    #[error("{path} is not a Tideline case ({reason})")]
    NotACase { path: PathBuf, reason: String },
    #[error("the case was written by a newer Tideline (schema {found}, this build knows {known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the case is sealed (at {sealed_at}); it can be read and verified but not changed")]
    Sealed { sealed_at: String },
    #[error("the case is opened read-only")]
    ReadOnly,
    #[error(
        "{path} is already in the case as evidence #{evidence_id} ({file_name}, SHA-256 {sha256})"
    )]
    DuplicateEvidence {
        path: PathBuf,
        evidence_id: i64,
        file_name: String,
        sha256: String,
    },
    #[error("unknown format '{0}'; `tideline formats` lists the known ones")]
    UnknownFormat(String),
    #[error("{path}: not {format} ({reason})")]
    WrongFormat {
        path: PathBuf,
        format: String,
        reason: String,
    },
    #[error("import cancelled; the case is unchanged")]
    Cancelled,
    #[error("no event with id {0}")]
    NoSuchEvent(i64),
    #[error("invalid time '{text}': {reason}")]
    BadTime { text: String, reason: String },
    #[error("invalid argument: {0}")]
    Invalid(String),
    #[error("query error at character {position}: {message}")]
    Query { position: usize, message: String },
    #[error("timeline engine: {0}")]
    Polars(#[from] polars::error::PolarsError),
    #[error("chart: {0}")]
    Chart(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// A short stable code for the UI and for `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Sqlite(_) => "case_file",
            Error::CaseExists(_) => "case_exists",
            Error::NotACase { .. } => "not_a_case",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Sealed { .. } => "sealed",
            Error::ReadOnly => "read_only",
            Error::DuplicateEvidence { .. } => "duplicate_evidence",
            Error::UnknownFormat(_) => "unknown_format",
            Error::WrongFormat { .. } => "wrong_format",
            Error::Cancelled => "cancelled",
            Error::NoSuchEvent(_) => "no_such_event",
            Error::BadTime { .. } => "bad_time",
            Error::Invalid(_) => "invalid",
            Error::Query { .. } => "bad_query",
            Error::Polars(_) => "timeline",
            Error::Chart(_) => "chart",
            Error::Json(_) => "json",
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
