//! A statement driven through SQLite's C API, for the two loops where rusqlite's
//! per-column cost shows: a sweep reads eleven text columns of every event, and an import
//! writes nineteen columns of every event.
//!
//! rusqlite reads a text column with `sqlite3_column_type` and then `sqlite3_column_text`
//! (which guarantees a NUL terminator). `sqlite3_column_blob` hands back the same bytes
//! without either step; reading the swept columns of 4 M events this way took 1.95–1.99 s
//! on one thread against 2.43–2.46 s through rusqlite (BENCHMARKS.md, issue #7).
//!
//! rusqlite binds every text and blob `SQLITE_TRANSIENT`: SQLite allocates and copies
//! each value before the statement runs, and frees it at the next bind. [`RawStatement::
//! execute`] binds them `SQLITE_STATIC` (SQLite reads the caller's bytes in place) for the
//! length of one call, and clears the bindings before it returns. Binding an event row
//! took a quarter of the storing thread's instructions through rusqlite (BENCHMARKS.md,
//! issue #3).
//!
//! All the unsafe code is here. The statement borrows its connection, so it cannot
//! outlive it, and a column's bytes borrow the statement, so the borrow checker forbids
//! holding them across the next [`RawStatement::step`] (which SQLite may overwrite them
//! on). Values bound by `execute` are borrowed for that call only.

use std::ffi::{CStr, CString};
use std::marker::PhantomData;

use rusqlite::{ffi, Connection};

use crate::error::{Error, Result};

pub(super) struct RawStatement<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    /// Set once SQLite said done: stepping again would start the query over.
    done: bool,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> RawStatement<'c> {
    /// Prepares one statement of `sql` on `conn`.
    pub fn prepare(conn: &'c Connection, sql: &str) -> Result<Self> {
        let text = CString::new(sql).map_err(|_| Error::Invalid("SQL with a NUL byte".into()))?;
        // SAFETY: the handle is the live connection `conn` borrows for 'c; rusqlite does not
        // use it concurrently (a Connection is not Sync).
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        // SAFETY: `text` is a NUL-terminated string that outlives the call; `stmt` is a
        // valid out-pointer.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db, text.as_ptr(), -1, &mut stmt, std::ptr::null_mut())
        };
        if rc != ffi::SQLITE_OK {
            return Err(failure(db, rc));
        }
        if stmt.is_null() {
            return Err(Error::Invalid(format!("no statement in {sql:?}")));
        }
        Ok(RawStatement {
            db,
            stmt,
            done: false,
            _conn: PhantomData,
        })
    }

    /// Binds the 1-based parameter `index`.
    pub fn bind_i64(&mut self, index: i32, value: i64) -> Result<()> {
        // SAFETY: `stmt` is a live prepared statement; SQLite checks the index.
        let rc = unsafe { ffi::sqlite3_bind_int64(self.stmt, index, value) };
        if rc != ffi::SQLITE_OK {
            return Err(failure(self.db, rc));
        }
        Ok(())
    }

    /// Moves to the next row: `false` once there is none (and from then on).
    pub fn step(&mut self) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        // SAFETY: `stmt` is a live prepared statement.
        match unsafe { ffi::sqlite3_step(self.stmt) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => {
                self.done = true;
                Ok(false)
            }
            rc => {
                self.done = true;
                Err(failure(self.db, rc))
            }
        }
    }

    /// Column `i` of the current row as an integer, `None` when it is NULL.
    pub fn opt_i64(&self, i: i32) -> Option<i64> {
        // SAFETY: `stmt` is a live statement positioned on a row (`step` returned true);
        // out-of-range columns give NULL.
        unsafe {
            if ffi::sqlite3_column_type(self.stmt, i) == ffi::SQLITE_NULL {
                None
            } else {
                Some(ffi::sqlite3_column_int64(self.stmt, i))
            }
        }
    }

    /// Column `i` of the current row as bytes: text and blobs as stored, numbers as their
    /// text, NULL as empty.
    pub fn bytes(&self, i: i32) -> &[u8] {
        // SAFETY: as in `opt_i64`. `sqlite3_column_blob` then `sqlite3_column_bytes` is the
        // order SQLite documents as safe; the pointer stays valid until the next step or a
        // type conversion of this column, and `&self` forbids `step` meanwhile.
        unsafe {
            let p = ffi::sqlite3_column_blob(self.stmt, i);
            let n = ffi::sqlite3_column_bytes(self.stmt, i);
            if p.is_null() || n <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(p.cast::<u8>(), n as usize)
            }
        }
    }
}

impl Drop for RawStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: `stmt` was prepared by `prepare` and is finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// A value to bind, borrowed.
#[derive(Debug, Clone, Copy)]
pub(super) enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> Param<'a> {
    pub fn opt_int(v: Option<i64>) -> Self {
        v.map_or(Param::Null, Param::Int)
    }
    pub fn opt_text(v: Option<&'a str>) -> Self {
        v.map_or(Param::Null, Param::Text)
    }
}

impl RawStatement<'_> {
    /// Runs a statement that returns no rows (an INSERT) with `params` bound to ?1, ?2, ...
    /// in place, then resets it for the next call. Every parameter is bound on each call,
    /// and the bindings are cleared before returning, whether the statement succeeded or
    /// not, so SQLite never holds a pointer into `params` after the call.
    pub fn execute(&mut self, params: &[Param<'_>]) -> Result<()> {
        let bound = self.bind_all(params);
        // SAFETY: `stmt` is a live prepared statement; the values bound point into
        // `params`, which outlives this call, and are read only by the step below.
        let rc = match bound {
            Ok(()) => unsafe { ffi::sqlite3_step(self.stmt) },
            Err(rc) => rc,
        };
        let outcome = match rc {
            ffi::SQLITE_DONE => Ok(()),
            ffi::SQLITE_ROW => Err(Error::Invalid(
                "a statement run for its effect returned rows".into(),
            )),
            rc => Err(failure(self.db, rc)),
        };
        // SAFETY: `stmt` is live. After a reset and a clear, it holds no binding, so no
        // pointer into `params`. (The reset repeats the step's error code, already taken.)
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            ffi::sqlite3_clear_bindings(self.stmt);
        }
        outcome
    }

    /// Binds `params` to ?1, ?2, ...; fails with SQLite's result code.
    fn bind_all(&mut self, params: &[Param<'_>]) -> std::result::Result<(), i32> {
        for (i, param) in params.iter().enumerate() {
            let index = i32::try_from(i + 1).map_err(|_| ffi::SQLITE_RANGE)?;
            // SAFETY: `stmt` is live; text and blob pointers are valid for their length
            // (an empty slice's pointer is dangling but not null, so SQLite binds an empty
            // value, not NULL, and reads no byte of it), and stay valid until `execute`
            // clears the bindings; text is UTF-8, as `SQLITE_UTF8` declares.
            let rc = unsafe {
                match *param {
                    Param::Null => ffi::sqlite3_bind_null(self.stmt, index),
                    Param::Int(v) => ffi::sqlite3_bind_int64(self.stmt, index, v),
                    Param::Text(t) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        index,
                        t.as_ptr().cast(),
                        t.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    Param::Blob(b) => ffi::sqlite3_bind_blob64(
                        self.stmt,
                        index,
                        b.as_ptr().cast(),
                        b.len() as u64,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(rc);
            }
        }
        Ok(())
    }
}

/// The connection's error for the result code `rc`.
fn failure(db: *mut ffi::sqlite3, rc: i32) -> Error {
    // SAFETY: `db` is a live connection; `sqlite3_errmsg` returns a NUL-terminated string
    // it owns, copied here before any other call.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    Error::Sqlite(rusqlite::Error::SqliteFailure(
        ffi::Error::new(rc),
        Some(message),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT);
             INSERT INTO t VALUES (1, NULL, NULL), (2, -7, 'abc'), (3, 42, '');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO t VALUES (4, 0, ?1)",
            [rusqlite::types::Value::Blob(b"a\0b\xff".to_vec())],
        )
        .unwrap();
        conn
    }

    #[test]
    fn reads_every_row_with_nulls_numbers_text_and_raw_bytes() {
        let conn = table();
        let mut st =
            RawStatement::prepare(&conn, "SELECT id, n, s FROM t WHERE id BETWEEN ?1 AND ?2")
                .unwrap();
        st.bind_i64(1, 1).unwrap();
        st.bind_i64(2, 4).unwrap();
        let mut rows = Vec::new();
        while st.step().unwrap() {
            rows.push((
                st.opt_i64(0),
                st.opt_i64(1),
                st.bytes(1).to_vec(),
                st.bytes(2).to_vec(),
            ));
        }
        assert_eq!(
            rows,
            vec![
                (Some(1), None, vec![], vec![]),
                (Some(2), Some(-7), b"-7".to_vec(), b"abc".to_vec()),
                (Some(3), Some(42), b"42".to_vec(), vec![]),
                (Some(4), Some(0), b"0".to_vec(), b"a\0b\xff".to_vec()),
            ]
        );
        assert!(!st.step().unwrap(), "stays done");
    }

    #[test]
    fn executes_with_values_borrowed_and_keeps_no_binding() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE w (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB NOT NULL)",
        )
        .unwrap();
        let mut st = RawStatement::prepare(&conn, "INSERT INTO w VALUES (?1, ?2, ?3, ?4)").unwrap();
        for (id, n, s, b) in [
            (1, Some(-7), Some("héllo"), &b"a\0b\xff"[..]),
            (2, None, None, &b""[..]),
            (3, Some(0), Some(""), &b"x"[..]),
        ] {
            // Owned copies, dropped after the call: the statement must not keep them.
            let (s, b) = (s.map(str::to_owned), b.to_vec());
            st.execute(&[
                Param::Int(id),
                Param::opt_int(n),
                Param::opt_text(s.as_deref()),
                Param::Blob(&b),
            ])
            .unwrap();
        }
        type Row = (i64, Option<i64>, Option<String>, Vec<u8>, String);
        let rows: Vec<Row> = conn
            .prepare("SELECT id, n, s, b, typeof(s) || ',' || typeof(b) FROM w ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (
                    1,
                    Some(-7),
                    Some("héllo".into()),
                    b"a\0b\xff".to_vec(),
                    "text,blob".into()
                ),
                (2, None, None, vec![], "null,blob".into()),
                (
                    3,
                    Some(0),
                    Some(String::new()),
                    b"x".to_vec(),
                    "text,blob".into()
                ),
            ]
        );

        // A failed row (NOT NULL, then a duplicate key) is reported, writes nothing, and
        // leaves the statement ready for the next.
        let err = st
            .execute(&[Param::Int(4), Param::Null, Param::Null, Param::Null])
            .unwrap_err();
        assert!(
            err.to_string().contains("NOT NULL constraint failed: w.b"),
            "{err}"
        );
        let err = st
            .execute(&[Param::Int(1), Param::Null, Param::Null, Param::Blob(b"")])
            .unwrap_err();
        assert!(
            err.to_string().contains("UNIQUE constraint failed: w.id"),
            "{err}"
        );
        st.execute(&[
            Param::Int(5),
            Param::Null,
            Param::Text("ok"),
            Param::Blob(b""),
        ])
        .unwrap();
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM w ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ids, [1, 2, 3, 5]);

        // Too many values: SQLite's range error, and still nothing written.
        let err = st
            .execute(&[
                Param::Int(6),
                Param::Null,
                Param::Null,
                Param::Blob(b""),
                Param::Null,
            ])
            .unwrap_err();
        assert!(
            err.to_string().contains("column index out of range"),
            "{err}"
        );
        let count: i64 = conn
            .query_row("SELECT count(*) FROM w", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 4);
    }

    #[test]
    fn errors_name_the_problem() {
        let conn = table();
        let Err(err) = RawStatement::prepare(&conn, "SELECT nope FROM t") else {
            panic!("prepared a bad column");
        };
        assert!(err.to_string().contains("no such column: nope"), "{err}");
        let mut st = RawStatement::prepare(&conn, "SELECT id FROM t WHERE id = ?1").unwrap();
        let err = st.bind_i64(2, 1).unwrap_err();
        assert!(
            err.to_string().contains("column index out of range"),
            "{err}"
        );
    }
}
