#!/usr/bin/env python3
"""The timeline benchmark's queries in DuckDB, on the same events.

    cargo bench --bench timeline -- parquet 10000000      # writes timeline-N.parquet/
    python3 scripts/bench_duckdb.py $TIDELINE_BENCH_DIR/timeline-10000000.parquet

Loads the Parquet export (one file per day) into an in-memory DuckDB table, then times
the same steps as benches/timeline.rs: first page in time order, filter (text contains +
time range, count), histogram of that filter (200 buckets at most: the engine picks 6 h
buckets for 30 days, so DuckDB is given the same width), top-10 of a column, and a page
of 100 of the filtered view. Prints the process's peak RSS.
"""
import resource
import sys
import time

import duckdb

path = sys.argv[1]
con = duckdb.connect()


def timed(label, sql):
    t = time.perf_counter()
    rows = con.execute(sql).fetchall()
    ms = (time.perf_counter() - t) * 1000
    print(f"{label}: {ms:.0f} ms ({len(rows)} rows; first {rows[0] if rows else None})")
    return rows


t = time.perf_counter()
con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{path}/*/*.parquet', hive_partitioning = true)")
print(f"load {con.execute('SELECT count(*) FROM events').fetchone()[0]} events: {(time.perf_counter() - t):.1f} s")
WHERE = ("message ILIKE '%failed password%' AND ts >= TIMESTAMP '2026-03-10' "
         "AND ts < TIMESTAMP '2026-03-20'")
timed("first page (ORDER BY ts, id LIMIT 100)", "SELECT * FROM events ORDER BY ts, id LIMIT 100")
for day in ["10", "11", "12"]:
    timed(f"filter 2026-03-{day}", f"SELECT count(*) FROM events WHERE message ILIKE '%failed password%' "
          f"AND ts >= TIMESTAMP '2026-03-{day}' AND ts < TIMESTAMP '2026-03-20'")
timed("histogram of the filter (6 h)", f"SELECT time_bucket(INTERVAL 6 HOUR, ts) b, count(*) FROM events WHERE {WHERE} GROUP BY b ORDER BY b")
timed("histogram of all (6 h)", "SELECT time_bucket(INTERVAL 6 HOUR, ts) b, count(*) FROM events GROUP BY b ORDER BY b")
timed("top-10 src_ip of all", "SELECT src_ip, count(*) n FROM events GROUP BY src_ip ORDER BY n DESC, src_ip LIMIT 10")
timed("top-10 user of the filter", f"SELECT user, count(*) n FROM events WHERE {WHERE} GROUP BY user ORDER BY n DESC, user LIMIT 10")
timed("page of 100 of the filter at offset 1,000,000",
      f"SELECT * FROM events WHERE {WHERE} ORDER BY ts, id LIMIT 100 OFFSET 1000000")
print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
