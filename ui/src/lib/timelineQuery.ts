// Pure helpers of the query bar and the histogram: the query history (most recent first,
// no duplicates, bounded) and the query a brushed time range zooms to. The query language
// itself is parsed by the backend only (README "Query language").

export const HISTORY_MAX = 20;

/** The history after running `query`: it moves to the front; blanks are not kept. */
export function remember(history: readonly string[], query: string, max = HISTORY_MAX): string[] {
  const q = query.trim();
  if (q === '') return [...history];
  return [q, ...history.filter((h) => h !== q)].slice(0, max);
}

/** RFC 3339 UTC with microseconds, as the query language reads it. */
export function isoMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const frac = String(((micros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/**
 * The query restricted to [from, to] (UTC microseconds, inclusive): the range is ANDed
 * with the whole query, which is parenthesised so that its ORs stay inside.
 */
export function zoomQuery(query: string, from: number, to: number): string {
  const range = `ts:${isoMicros(Math.min(from, to))}..${isoMicros(Math.max(from, to))}`;
  const q = query.trim();
  return q === '' ? range : `(${q}) ${range}`;
}
