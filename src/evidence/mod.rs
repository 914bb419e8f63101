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
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = MultiHasher::default();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = read_some(&mut file, &mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finish())
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

/// Registers a file as evidence inside a write transaction: refuses a SHA-256 the case
/// already holds, stores the bytes in hashed, compressed chunks, and writes the custody
/// entry. Returns the evidence id. The file is read once and never written.
pub fn register(tx: &Tx<'_>, path: &Path, acq: &Acquisition<'_>) -> Result<(i64, Hashes)> {
    let expected = hash_file(path)?;
    if let Some((evidence_id, file_name)) = tx.evidence_by_sha256(&expected.sha256)? {
        return Err(Error::DuplicateEvidence {
            path: path.to_path_buf(),
            evidence_id,
            file_name,
            sha256: expected.sha256,
        });
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let original_path = std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let evidence_id = tx.insert_evidence(&NewEvidence {
        file_name: &file_name,
        original_path: &original_path,
        hashes: &expected,
        format: acq.format,
        acquired_at: acq.acquired_at,
        imported_at: acq.imported_at,
        imported_by: acq.actor,
    })?;

    // Store the bytes, hashing them again as they are stored: if the file changed
    // between the two reads, the import stops rather than keep bytes that do not match
    // the recorded hash.
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = MultiHasher::default();
    let mut chunk = vec![0u8; CHUNK_SIZE];
    let mut seq = 0i64;
    loop {
        let n = read_full(&mut file, &mut chunk).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        let bytes = &chunk[..n];
        hasher.update(bytes);
        let mut enc = ZlibEncoder::new(Vec::with_capacity(n / 4), Compression::fast());
        enc.write_all(bytes).map_err(|e| Error::io(path, e))?;
        let data = enc.finish().map_err(|e| Error::io(path, e))?;
        tx.insert_chunk(evidence_id, seq, n as i64, &sha256_hex(bytes), &data)?;
        seq += 1;
    }
    let stored = hasher.finish();
    if stored != expected {
        return Err(Error::io(
            path,
            io::Error::other("the file changed while it was being imported"),
        ));
    }
    let details = serde_json::json!({
        "original_path": original_path,
        "size": expected.size,
        "sha256": expected.sha256,
        "sha1": expected.sha1,
        "md5": expected.md5,
        "chunks": seq,
    });
    tx.insert_custody(
        evidence_id,
        acq.imported_at,
        acq.actor,
        "acquired into case",
        &details.to_string(),
    )?;
    Ok((evidence_id, expected))
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
