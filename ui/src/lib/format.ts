// Pure display formatting: counts, byte sizes, UTC timestamps, hashes, file names and the
// one-line import summary. Locale is pinned (en-US) so the UI and its tests agree everywhere.

import type { ImportSummary } from '../api/types';

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** "1 event", "1,234 events". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** Binary units with one decimal, exact bytes below 1 KiB: 512 → "512 B", 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} B`;
  let value = bytes;
  let unit = '';
  for (const u of UNITS) {
    value /= 1024;
    unit = u;
    if (value < 1024) break;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * A UTC RFC 3339 timestamp as shown in the UI: "2026-03-14T02:11:09.000000Z" →
 * "2026-03-14 02:11:09.000000". Text that is not in that shape is shown unchanged, so nothing
 * the backend sends is ever hidden; null → "—".
 */
export function formatTs(ts: string | null): string {
  if (ts === null) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:Z|[+-]00:00)$/.exec(ts);
  return m ? `${m[1]} ${m[2]}` : ts;
}

/** First `n` hex digits and an ellipsis: for labels; the full hash is always shown nearby. */
export function shortHash(hash: string, n = 12): string {
  return hash.length <= n ? hash : `${hash.slice(0, n)}…`;
}

/** Last component of a Unix or Windows path. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** "auth.log: 1,234 events, 2 issues, sha256 abcd…" */
export function importSummaryLine(s: ImportSummary): string {
  return `${baseName(s.path)}: ${plural(s.events, 'event')}, ${plural(s.issues, 'issue')}, sha256 ${shortHash(s.sha256)}`;
}

/** Import progress as a fraction in [0, 1], or null while the size is unknown (0). */
export function progressFraction(done: number, total: number): number | null {
  if (!(total > 0)) return null;
  return Math.min(Math.max(done / total, 0), 1);
}

/** Nullable column text: null and "" → "—". */
export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : value;
}

/** A default file name from a case title: "Breach at ACME, 2026" → "breach-at-acme-2026". */
export function fileSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'case';
}
