// Transfer types exchanged with the Rust side (src-tauri). Field names are the JSON that Rust
// serialises (snake_case); they mirror the Tauri command contract exactly — change both together.

export type EvidenceInfo = {
  id: number;
  file_name: string;
  original_path: string;
  size: number;
  sha256: string;
  sha1: string;
  md5: string;
  format: string | null;
  acquired_at: string | null;
  imported_at: string;
  imported_by: string;
  events: number;
  issues: number;
};

/** Events per value of a column (source, host). */
export type ValueCount = { value: string; count: number };

export type CaseInfo = {
  path: string;
  case_id: string;
  title: string;
  severity: string;
  phase: string;
  status: string;
  created_at: string;
  updated_at: string;
  sealed_at: string | null;
  events: number;
  issues: number;
  first_ts: string | null;
  last_ts: string | null;
  evidence: EvidenceInfo[];
  sources: ValueCount[];
  hosts: ValueCount[];
};

/** Payload of the `import-progress` Tauri event. */
export type ImportProgress = {
  path: string;
  bytes_done: number;
  bytes_total: number;
  events: number;
  issues: number;
};

export type ImportSummary = {
  path: string;
  evidence_id: number;
  sha256: string;
  format: string | null;
  events: number;
  issues: number;
  first_ts: string | null;
  last_ts: string | null;
};

/** from/to: RFC 3339 or "YYYY-MM-DD HH:MM:SS" (UTC). */
export type TimelineQuery = {
  from?: string | null;
  to?: string | null;
  grep?: string | null;
  offset: number;
  limit: number;
};

export type EventRow = {
  id: number;
  ts: string | null;
  ts_quality: string;
  source: string;
  host: string | null;
  user: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  process: string | null;
  event_code: string | null;
  action: string | null;
  severity: string | null;
  message: string;
};

export type TimelinePage = { total: number; offset: number; rows: EventRow[] };

export type EventDetail = EventRow & {
  ts_source: string | null;
  evidence_id: number;
  evidence_name: string;
  evidence_sha256: string;
  locator: string;
  raw: string;
  attrs: Record<string, unknown>;
};

export type ReportWritten = { path: string; sha256: string; bytes: number };
