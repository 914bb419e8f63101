//! Where evidence comes from: plain files, gzip files (read through a decompressor),
//! zip archives and directories (each member or file its own evidence item).
//!
//! An evidence item's stored bytes are exactly what was acquired: a `.gz` file stays
//! compressed in the case and is decompressed only for parsing; a zip member is stored
//! as the member's own bytes, with the archive's path and SHA-256 in its custody entry.
//! Decompression is guarded against bombs: output is capped in total and by ratio, and a
//! zip member must not expand past the size its header declares.

use std::cell::OnceCell;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::evidence::{self, Origin};
use crate::time::Micros;

/// Decompressed output above this many bytes is refused outright.
pub const MAX_EXPANDED: u64 = 64 << 30;
/// Past [`RATIO_FLOOR`] bytes of output, more than this many output bytes per input byte
/// is taken for a decompression bomb.
pub const MAX_RATIO: u64 = 1024;
pub const RATIO_FLOOR: u64 = 1 << 30;
/// The most members a zip archive may have.
pub const MAX_ZIP_MEMBERS: usize = 100_000;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// One evidence item to import.
pub struct Item {
    /// The path as the investigator named it (`logs/auth.log`, `logs.zip!var/log/syslog`).
    pub display: String,
    pub origin: Origin,
    /// The file's modification time (for a zip member, the archive's).
    pub modified: Option<Micros>,
    kind: Kind,
}

enum Kind {
    File(PathBuf),
    ZipMember {
        archive: PathBuf,
        index: usize,
        extracted: OnceCell<tempfile::NamedTempFile>,
    },
}

/// A path that yields no item, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Refused {
    pub path: String,
    pub code: String,
    pub reason: String,
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn starts_with(path: &Path, magic: &[u8]) -> bool {
    let mut head = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head[..magic.len()]))
        .is_ok()
        && head[..magic.len()] == *magic
}

impl Item {
    pub(super) fn file(path: &Path) -> Item {
        Item {
            display: path.display().to_string(),
            origin: Origin {
                file_name: file_name(path),
                original_path: absolute(path),
                container_sha256: None,
            },
            modified: evidence::modified_micros(path),
            kind: Kind::File(path.to_path_buf()),
        }
    }

    /// The item's bytes as acquired.
    pub fn open_raw(&self) -> io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(File::open(self.raw_path()?)?))
    }

    /// The size of the raw bytes (for a zip member, once extracted).
    pub fn raw_size(&self) -> io::Result<u64> {
        Ok(std::fs::metadata(self.raw_path()?)?.len())
    }

    /// Where the raw bytes are: the file, or a zip member extracted (once) to a temporary
    /// file.
    fn raw_path(&self) -> io::Result<&Path> {
        match &self.kind {
            Kind::File(path) => Ok(path),
            Kind::ZipMember {
                archive,
                index,
                extracted,
            } => {
                if extracted.get().is_none() {
                    let tmp = extract_member(archive, *index)?;
                    let _ = extracted.set(tmp);
                }
                Ok(extracted.get().expect("extracted above").path())
            }
        }
    }

    /// The bytes a parser reads: the raw bytes, decompressed when they are gzip.
    /// `raw_read` counts the raw bytes consumed (for progress).
    /// The reader may be moved to another thread (the parsing thread of an import).
    pub fn open_content(&self, raw_read: Arc<AtomicU64>) -> io::Result<Box<dyn Read + Send + '_>> {
        let raw = Counting {
            inner: self.open_raw()?,
            count: raw_read.clone(),
        };
        if self.is_gzip()? {
            Ok(Box::new(BombGuard {
                inner: flate2::read::MultiGzDecoder::new(raw),
                raw_read,
                out: 0,
            }))
        } else {
            Ok(Box::new(raw))
        }
    }

    /// Whether the raw bytes are gzip-compressed.
    pub fn is_gzip(&self) -> io::Result<bool> {
        let mut head = [0u8; 2];
        let mut r = self.open_raw()?;
        let mut got = 0;
        while got < 2 {
            let n = r.read(&mut head[got..])?;
            if n == 0 {
                return Ok(false);
            }
            got += n;
        }
        Ok(head == GZIP_MAGIC)
    }
}

fn bomb(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn extract_member(archive: &Path, index: usize) -> io::Result<tempfile::NamedTempFile> {
    let mut zip = zip::ZipArchive::new(File::open(archive)?).map_err(io::Error::other)?;
    let mut member = zip.by_index(index).map_err(io::Error::other)?;
    let declared = member.size();
    let compressed = member.compressed_size().max(1);
    if declared > MAX_EXPANDED || (declared > RATIO_FLOOR && declared / compressed > MAX_RATIO) {
        return Err(bomb(format!(
            "zip member {} declares {declared} bytes from {compressed} compressed: refused as a decompression bomb",
            member.name()
        )));
    }
    let mut tmp = tempfile::NamedTempFile::new()?;
    let copied = io::copy(&mut (&mut member).take(declared + 1), tmp.as_file_mut())?;
    if copied > declared {
        return Err(bomb(format!(
            "zip member {} expands past the {declared} bytes its header declares: refused",
            member.name()
        )));
    }
    Ok(tmp)
}

/// Counts bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Stops a decompressor whose output grows past the limits.
struct BombGuard<R> {
    inner: R,
    raw_read: Arc<AtomicU64>,
    out: u64,
}

impl<R: Read> Read for BombGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let raw = self.raw_read.load(Ordering::Relaxed).max(1);
        if self.out > MAX_EXPANDED || (self.out > RATIO_FLOOR && self.out / raw > MAX_RATIO) {
            return Err(bomb(format!(
                "gzip data expands to more than {} bytes from {raw}: refused as a decompression bomb",
                self.out
            )));
        }
        Ok(n)
    }
}

/// Turns the paths an investigator names into evidence items: a file is one item; a
/// directory gives every regular file below it (sorted; symbolic links are not followed
/// and are reported); a zip archive gives each of its files.
pub fn expand(paths: &[PathBuf]) -> (Vec<Item>, Vec<Refused>) {
    let mut items = Vec::new();
    let mut refused = Vec::new();
    for path in paths {
        expand_one(path, &mut items, &mut refused);
    }
    (items, refused)
}

fn refuse(refused: &mut Vec<Refused>, path: &Path, e: &Error) {
    refused.push(Refused {
        path: path.display().to_string(),
        code: e.code().into(),
        reason: e.to_string(),
    });
}

fn expand_one(path: &Path, items: &mut Vec<Item>, refused: &mut Vec<Refused>) {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return refuse(refused, path, &Error::io(path, e)),
    };
    if meta.file_type().is_symlink() && !path.is_file() && !path.is_dir() {
        return refuse(
            refused,
            path,
            &Error::Invalid(format!("{} is a broken symbolic link", path.display())),
        );
    }
    if path.is_dir() {
        if meta.file_type().is_symlink() {
            return refuse(
                refused,
                path,
                &Error::Invalid(format!(
                    "{} is a symbolic link to a directory: not followed",
                    path.display()
                )),
            );
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return refuse(refused, path, &Error::io(path, e)),
        };
        entries.sort();
        for entry in entries {
            let is_link =
                std::fs::symlink_metadata(&entry).is_ok_and(|m| m.file_type().is_symlink());
            if is_link {
                refuse(
                    refused,
                    &entry,
                    &Error::Invalid(format!(
                        "{} is a symbolic link: not followed",
                        entry.display()
                    )),
                );
            } else {
                expand_one(&entry, items, refused);
            }
        }
        return;
    }
    if !path.is_file() {
        return refuse(
            refused,
            path,
            &Error::Invalid(format!("{} is not a regular file", path.display())),
        );
    }
    if starts_with(path, &ZIP_MAGIC) {
        if let Err(e) = expand_zip(path, items) {
            refuse(refused, path, &e);
        }
        return;
    }
    items.push(Item::file(path));
}

fn expand_zip(path: &Path, items: &mut Vec<Item>) -> Result<()> {
    let io_err = |e: io::Error| Error::io(path, e);
    let zip_err = |e: zip::result::ZipError| Error::io(path, io::Error::other(e));
    let mut zip = zip::ZipArchive::new(File::open(path).map_err(io_err)?).map_err(zip_err)?;
    if zip.len() > MAX_ZIP_MEMBERS {
        return Err(Error::Invalid(format!(
            "{} has {} members, more than the {MAX_ZIP_MEMBERS} allowed",
            path.display(),
            zip.len()
        )));
    }
    let sha256 = evidence::hash_file(path)?.sha256;
    let modified = evidence::modified_micros(path);
    let archive = absolute(path);
    let mut members: Vec<(String, usize)> = Vec::new();
    for index in 0..zip.len() {
        let member = zip.by_index(index).map_err(zip_err)?;
        if member.is_file() && !member.is_symlink() {
            members.push((member.name().to_string(), index));
        }
    }
    members.sort();
    for (name, index) in members {
        items.push(Item {
            display: format!("{}!{name}", path.display()),
            origin: Origin {
                file_name: name.rsplit('/').next().unwrap_or(&name).to_string(),
                original_path: format!("{archive}!{name}"),
                container_sha256: Some(sha256.clone()),
            },
            modified,
            kind: Kind::ZipMember {
                archive: path.to_path_buf(),
                index,
                extracted: OnceCell::new(),
            },
        });
    }
    Ok(())
}
