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
  /** The evidence item in work. */
  path: string;
  /** 1-based position of that item in the batch, and how many items the batch has. */
  file_index: number;
  files_total: number;
  /** Raw bytes of the current item read so far, and its size. */
  bytes_done: number;
  bytes_total: number;
  /** Events and issues of the whole batch so far. */
  events: number;
  issues: number;
  events_per_second: number;
};

/** The import choices: the year of year-less stamps, the IANA zone of zone-less ones. */
export type ImportChoices = { year?: number | null; tz?: string | null };

/** One imported evidence item. */
export type ImportSummary = {
  path: string;
  evidence_id: number;
  sha256: string;
  /** null: no parser recognised it; it is registered as evidence only. */
  format: string | null;
  /** The stored bytes are gzip and were decompressed for parsing. */
  gzip: boolean;
  events: number;
  issues: number;
  /** Lines that are no record (blank lines, headers, comments). */
  skipped: number;
  first_ts: string | null;
  last_ts: string | null;
};

/** A path that was not imported, and why. */
export type Refused = { path: string; code: string; reason: string };

/** The outcome of one import_evidence call. */
export type ImportReport = { imported: ImportSummary[]; refused: Refused[] };

/** A record an import could not read. */
export type IssueInfo = {
  id: number;
  evidence_id: number;
  evidence_name: string;
  locator: string;
  reason: string;
  /** The raw record (invalid UTF-8 shown as U+FFFD). */
  raw: string;
};

export type IssuePage = { total: number; offset: number; issues: IssueInfo[] };

/** from/to: RFC 3339 or "YYYY-MM-DD HH:MM:SS" (UTC). */
export type TimelineQuery = {
  from?: string | null;
  to?: string | null;
  grep?: string | null;
  /** Only the events this indicator hit (its id). */
  ioc?: number | null;
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

/** One indicator of the case with its hits (events), first and last seen (RFC 3339 UTC). */
export type IndicatorInfo = {
  id: number;
  type: string;
  value: string;
  sources: number;
  lists: string;
  hits: number;
  first_seen: string | null;
  last_seen: string | null;
};

/** A list entry that is not an indicator. */
export type IocRejected = { locator: string; text: string; reason: string };

export type IocImportReport = {
  file: string;
  format: string;
  sha256: string;
  entries: number;
  accepted: number;
  skipped: number;
  indicators: number;
  new_indicators: number;
  rejected: IocRejected[];
};

export type IocSweepReport = {
  case: string;
  sealed: boolean;
  stored: boolean;
  events: number;
  indicators: number;
  field_hits: number;
  new_hits: number;
  events_hit: number;
};

/** One hit of an event: which indicator, in which field (a column, attrs.KEY, attrs or raw). */
export type EventIocHit = { indicator_id: number; type: string; value: string; field: string };
