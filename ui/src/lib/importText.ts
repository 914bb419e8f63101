// Pure logic of the import bar: the path list typed or dropped into it, the import choices
// (year, zone), the progress line, the one-line summary of an import report, and the plan
// that pages through the issues of several evidence items as if they were one list.

import type { ImportChoices, ImportProgress, ImportReport } from '../api/types';
import { formatBytes, formatCount, importSummaryLine, plural, progressFraction } from './format';

/**
 * The paths in the import field: one per line or separated by ";", trimmed, empty ones
 * dropped, each path once (first occurrence wins, order kept).
 */
export function splitPaths(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[\r\n;]+/)) {
    const path = part.trim();
    if (path !== '' && !seen.has(path)) {
      seen.add(path);
      out.push(path);
    }
  }
  return out;
}

/** The import field's text for a list of paths: one per line. */
export function joinPaths(paths: readonly string[]): string {
  return paths.join('\n');
}

/** The year and zone fields as `choices` for import_evidence, or the reason they are wrong. */
export type ParsedChoices = { ok: true; choices: ImportChoices } | { ok: false; field: 'year' | 'tz'; message: string };

/**
 * Year: empty (taken from the file's date) or a four-digit year. Zone: empty (UTC) or a name
 * without spaces (Rust checks it is a known IANA zone).
 */
export function parseChoices(yearText: string, tzText: string): ParsedChoices {
  const y = yearText.trim();
  const tz = tzText.trim();
  let year: number | null = null;
  if (y !== '') {
    if (!/^\d{4}$/.test(y) || Number(y) < 1000) {
      return { ok: false, field: 'year', message: `Year must be a four-digit year such as 2026, not "${y}".` };
    }
    year = Number(y);
  }
  if (/\s/.test(tz)) {
    return { ok: false, field: 'tz', message: `Zone must be an IANA name such as Europe/Berlin, not "${tz}".` };
  }
  return { ok: true, choices: { year, tz: tz === '' ? null : tz } };
}

/**
 * Where a running import is, for the progress bar: the share of the batch done, counting each
 * finished file as a whole and the current one by its bytes. Null (an indeterminate bar)
 * while a lone file's size is unknown.
 */
export function batchFraction(p: ImportProgress): number | null {
  const file = progressFraction(p.bytes_done, p.bytes_total);
  if (p.files_total <= 1) return file;
  const done = Math.min(Math.max(p.file_index - 1, 0), p.files_total);
  return Math.min((done + (file ?? 0)) / p.files_total, 1);
}

/**
 * The progress line: "file 2 of 5: /evidence/auth.log · 1.5 MiB of 3.0 MiB · 12,345 events,
 * 2 issues so far · 8,000 events/s". A lone file is named without "file 1 of 1".
 */
export function progressText(p: ImportProgress): string {
  const which = p.files_total > 1 ? `file ${formatCount(p.file_index)} of ${formatCount(p.files_total)}: ${p.path}` : p.path;
  const bytes = `${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}`;
  const counts = `${plural(p.events, 'event')}, ${plural(p.issues, 'issue')} so far`;
  return `${which} · ${bytes} · ${counts} · ${formatCount(p.events_per_second)} events/s`;
}

/**
 * The one-line summary of an import: for one file "auth.log: 2,824 events, 0 issues, sha256
 * c27ecf19…", for several "5 files: 4,924 events, 2 issues"; refused paths are counted after
 * a semicolon.
 */
export function importReportLine(report: ImportReport): string {
  const { imported, refused } = report;
  const rest = refused.length > 0 ? `; ${formatCount(refused.length)} refused` : '';
  if (imported.length === 0) return `Nothing imported${rest}`;
  if (imported.length === 1 && imported[0]) return `${importSummaryLine(imported[0])}${rest}`;
  const events = imported.reduce((n, s) => n + s.events, 0);
  const issues = imported.reduce((n, s) => n + s.issues, 0);
  return `${plural(imported.length, 'file')}: ${plural(events, 'event')}, ${plural(issues, 'issue')}${rest}`;
}

/** A format as shown in the file list: "syslog", "syslog (gzip)", "not parsed". */
export function formatLabel(format: string | null, gzip: boolean): string {
  const name = format ?? 'not parsed';
  return gzip ? `${name} (gzip)` : name;
}

/** Issues of one evidence item in a list of issues: its id and how many it has. */
export type IssuePart = { evidenceId: number; count: number };

/** One `import_issues` call of a plan. */
export type IssueRequest = { evidenceId: number; offset: number; limit: number };

/**
 * The `import_issues` calls that fetch rows [offset, offset + limit) of the issues of several
 * evidence items, listed one item after the other in the order given.
 */
export function issuePlan(parts: readonly IssuePart[], offset: number, limit: number): { total: number; requests: IssueRequest[] } {
  const requests: IssueRequest[] = [];
  let start = 0; // index of the part's first issue in the whole list
  const end = offset + limit;
  for (const { evidenceId, count } of parts) {
    if (count <= 0) continue;
    const from = Math.max(offset, start);
    const to = Math.min(end, start + count);
    if (from < to) requests.push({ evidenceId, offset: from - start, limit: to - from });
    start += count;
  }
  return { total: start, requests };
}

/** "1–100 of 250", "0 of 0". */
export function rangeText(offset: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${formatCount(total)}`;
  return `${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)}`;
}
