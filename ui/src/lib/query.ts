// Timeline filter normalisation: turns what the investigator typed into the `from`/`to`/`grep`
// of a TimelineQuery, or says which field is wrong. Times are UTC. Accepted: RFC 3339, a
// zone-less "YYYY-MM-DD HH:MM[:SS[.ffffff]]" (space or "T"), and a bare date "YYYY-MM-DD"
// (start of that day for `from`, its last microsecond for `to`, so a `to` date includes the
// whole day). Everything is sent as RFC 3339 with "T" and "Z"/offset: the one form of the
// contract that certainly carries fractions of a second.

export type FilterInput = { from: string; to: string; grep: string };

export type TimelineFilter = {
  from: string | null;
  to: string | null;
  grep: string | null;
  /** Only the events this indicator hit (set from the IOC panel). */
  ioc?: number | null;
};

export type FilterResult =
  | { ok: true; filter: TimelineFilter }
  | { ok: false; field: 'from' | 'to'; message: string };

export const EMPTY_FILTER: TimelineFilter = { from: null, to: null, grep: null };

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2}(\.\d{1,9})?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function validTime(hms: string): boolean {
  const [h, mi, s] = hms.split(':').map((p) => Number.parseFloat(p));
  return (h ?? 99) < 24 && (mi ?? 99) < 60 && (s ?? 0) < 61; // 60 = leap second
}

/** One time bound; null when empty; undefined when not understood. */
export function normalizeTime(text: string, bound: 'from' | 'to'): string | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  if (DATE.test(t)) {
    if (!validDate(t)) return undefined;
    return bound === 'from' ? `${t}T00:00:00Z` : `${t}T23:59:59.999999Z`;
  }
  if (RFC3339.test(t)) {
    const ymd = t.slice(0, 10);
    const hms = t.slice(11, 19);
    // Canonical separators: "T" and "Z" (RFC 3339 also allows " ", "t", "z"; parsers vary).
    const canonical = `${ymd}T${t.slice(11)}`.replace(/z$/, 'Z');
    return validDate(ymd) && validTime(hms) ? canonical : undefined;
  }
  const m = LOCAL.exec(t);
  if (m) {
    const [, ymd = '', hm = '', rest] = m;
    const hms = `${hm}${rest ?? ':00'}`;
    return validDate(ymd) && validTime(hms) ? `${ymd}T${hms}Z` : undefined;
  }
  return undefined;
}

export function normalizeFilter(input: FilterInput): FilterResult {
  const from = normalizeTime(input.from, 'from');
  if (from === undefined) {
    return { ok: false, field: 'from', message: `Not a UTC time: "${input.from.trim()}" (use YYYY-MM-DD HH:MM:SS)` };
  }
  const to = normalizeTime(input.to, 'to');
  if (to === undefined) {
    return { ok: false, field: 'to', message: `Not a UTC time: "${input.to.trim()}" (use YYYY-MM-DD HH:MM:SS)` };
  }
  const grep = input.grep.trim();
  return { ok: true, filter: { from, to, grep: grep === '' ? null : grep } };
}

/** A stable identity for a filter: equal filters give equal keys (used to reset the cache). */
export function filterKey(f: TimelineFilter): string {
  return JSON.stringify([f.from, f.to, f.grep, f.ioc ?? null]);
}
