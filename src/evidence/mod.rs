//! Evidence: hashing, the register, the custody log and the stored bytes.
//!
//! A file is hashed (SHA-256, plus SHA-1 and MD5 for exchange with other tools) as it is
//! read, opened read-only, never changed. Its bytes are kept in the case in 1 MiB
//! chunks, each deflate-compressed and hashed, so the case alone can prove what was
//! imported and every event can be rebuilt from it.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use md5::Md5;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::{NewEvidence, Tx};
use crate::time::Micros;

/// Size of one stored chunk of evidence, before compression.
pub const CHUNK_SIZE: usize = 1 << 20;

/// The digests of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hashes {
    pub size: u64,
    pub sha256: String,
    pub sha1: String,
    pub md5: String,
}

/// Incremental SHA-256, SHA-1 and MD5 over the same bytes.
#[derive(Default)]
struct MultiHasher {
    size: u64,
    sha256: Sha256,
    sha1: Sha1,
    md5: Md5,
}

impl MultiHasher {
    fn update(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        self.sha256.update(bytes);
        self.sha1.update(bytes);
        self.md5.update(bytes);
    }

    fn finish(self) -> Hashes {
        Hashes {
            size: self.size,
            sha256: hex::encode(self.sha256.finalize()),
            sha1: hex::encode(self.sha1.finalize()),
            md5: hex::encode(self.md5.finalize()),
        }
    }
}

/// Hashes a file, reading it once, read-only.
pub fn hash_file(path: &Path) -> Result<Hashes> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    hash_reader(file).map_err(|e| Error::io(path, e))
}

fn read_some(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// SHA-256 of a byte slice, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A SHA-256 over a sequence of fields, each length-prefixed, so that different field
/// lists never produce the same input. Used for row hashes, the audit chain and seals.
pub struct FieldHasher(Sha256);

impl Default for FieldHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl FieldHasher {
    pub fn new() -> Self {
        FieldHasher(Sha256::new())
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
    }
    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.0.update([0u8]),
            Some(s) => {
                self.0.update([1u8]);
                self.str(s);
            }
        }
    }
    pub fn int(&mut self, v: i64) {
        self.0.update(v.to_le_bytes());
    }
    pub fn opt_int(&mut self, v: Option<i64>) {
        match v {
            None => self.0.update([0u8]),
            Some(v) => {
                self.0.update([1u8]);
                self.int(v);
            }
        }
    }
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// Who registers a piece of evidence, and when it was acquired.
#[derive(Debug, Clone)]
pub struct Acquisition<'a> {
    pub actor: &'a str,
    /// When the evidence was acquired; by default the file's modification time.
    pub acquired_at: Option<Micros>,
    pub imported_at: Micros,
    pub format: Option<&'a str>,
}

/// What a piece of evidence is called and where it came from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file_name: String,
    /// The absolute path, or `archive.zip!member/path` for a member of an archive.
    pub original_path: String,
    /// For a member of an archive: the archive's SHA-256.
    pub container_sha256: Option<String>,
}

/// Hashes the bytes `open` gives.
pub fn hash_reader(mut r: impl Read) -> io::Result<Hashes> {
    let mut hasher = MultiHasher::default();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = read_some(&mut r, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finish())
}

/// One stored piece of an evidence file: up to [`CHUNK_SIZE`] bytes, zlib-compressed, with
/// the SHA-256 of the uncompressed bytes.
pub struct Chunk {
    pub seq: i64,
    pub raw_len: i64,
    pub sha256: String,
    pub data: Vec<u8>,
}

/// Reads evidence once, read-only: hashes it whole (SHA-256, SHA-1, MD5) and cuts the same
/// bytes into compressed, hashed chunks, handed to `store` in order. The chunks are exactly
/// the bytes the returned digests cover. Needs no transaction, so an import runs it on a
/// thread of its own while the parser reads the file; whoever holds the transaction stores
/// the chunks and then calls [`complete`].
pub fn pack(
    mut input: impl Read,
    path: &str,
    mut store: impl FnMut(Chunk) -> Result<()>,
) -> Result<Hashes> {
    let io_err = |e| Error::io(path, e);
    let mut hasher = MultiHasher::default();
    let mut buf = vec![0u8; CHUNK_SIZE];
    let mut seq = 0i64;
    loop {
        let n = read_full(&mut input, &mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        let bytes = &buf[..n];
        hasher.update(bytes);
        let mut enc = ZlibEncoder::new(Vec::with_capacity(n / 4), Compression::fast());
        enc.write_all(bytes).map_err(io_err)?;
        store(Chunk {
            seq,
            raw_len: n as i64,
            sha256: sha256_hex(bytes),
            data: enc.finish().map_err(io_err)?,
        })?;
        seq += 1;
    }
    Ok(hasher.finish())
}

/// Stand-in digests of an item whose bytes are still being read (the `sha256` column is
/// unique; one item at a time is between [`begin`] and [`complete`] in a transaction).
const PENDING: &str = "pending";

/// Opens an evidence item's entry in the register inside a write transaction, before its
/// bytes are read, so that its chunks and events can be stored as they come. Returns the
/// evidence id. The entry holds stand-in digests until [`complete`].
pub fn begin(tx: &Tx<'_>, origin: &Origin, acq: &Acquisition<'_>) -> Result<i64> {
    tx.insert_evidence(&NewEvidence {
        file_name: &origin.file_name,
        original_path: &origin.original_path,
        hashes: &Hashes {
            size: 0,
            sha256: PENDING.into(),
            sha1: PENDING.into(),
            md5: PENDING.into(),
        },
        format: acq.format,
        acquired_at: acq.acquired_at,
        imported_at: acq.imported_at,
        imported_by: acq.actor,
    })
}

/// Finishes registering evidence `evidence_id` once [`pack`] has read it: refuses bytes the
/// case already holds (the caller rolls the item back), records the digests and writes the
/// custody entry.
pub fn complete(
    tx: &Tx<'_>,
    evidence_id: i64,
    origin: &Origin,
    acq: &Acquisition<'_>,
    hashes: &Hashes,
    chunks: i64,
) -> Result<()> {
    if let Some((held_by, file_name)) = tx.evidence_by_sha256(&hashes.sha256)? {
        if held_by != evidence_id {
            return Err(Error::DuplicateEvidence {
                path: origin.original_path.clone().into(),
                evidence_id: held_by,
                file_name,
                sha256: hashes.sha256.clone(),
            });
        }
    }
    tx.set_evidence_hashes(evidence_id, hashes)?;
    let details = serde_json::json!({
        "original_path": origin.original_path,
        "size": hashes.size,
        "sha256": hashes.sha256,
        "sha1": hashes.sha1,
        "md5": hashes.md5,
        "chunks": chunks,
        "container_sha256": origin.container_sha256,
    });
    tx.insert_custody(
        evidence_id,
        acq.imported_at,
        acq.actor,
        "acquired into case",
        &details.to_string(),
    )
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = read_some(r, &mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Decompresses one stored chunk.
pub fn inflate_chunk(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data).read_to_end(&mut out)?;
    Ok(out)
}

/// The file's modification time, used as the acquisition time and as the reference for
/// year-less timestamps.
pub fn modified_micros(path: &Path) -> Option<Micros> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let dt: chrono::DateTime<chrono::Utc> = modified.into();
    Some(dt.timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_known_digests_of_abc() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc.txt");
        std::fs::write(&p, b"abc").unwrap();
        let h = hash_file(&p).unwrap();
        assert_eq!(h.size, 3);
        assert_eq!(
            h.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(h.md5, "900150983cd24fb0d6963f7d28e17f72");
    }
}
