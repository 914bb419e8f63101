// Live countdowns for the dashboard's deadlines: the core computes each deadline's due time and
// status; between refreshes the UI only re-measures the distance to that due time each second.

/** A span of milliseconds in words, to the second: "2 d 3 h 4 min 5 s", "45 s". */
export function spanText(ms: number): string {
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d > 0) parts.push(`${d} d`);
  if (d > 0 || h > 0) parts.push(`${h} h`);
  if (d > 0 || h > 0 || m > 0) parts.push(`${m} min`);
  parts.push(`${s} s`);
  return parts.join(' ');
}

/** The time left to an RFC 3339 due time at `nowMs`: "3 h 0 min 5 s left" or "overdue by 12 s". */
export function countdown(dueIso: string, nowMs: number): { text: string; overdue: boolean } {
  const left = Date.parse(dueIso) - nowMs;
  if (Number.isNaN(left)) return { text: '—', overdue: false };
  return left >= 0 ? { text: `${spanText(left)} left`, overdue: false } : { text: `overdue by ${spanText(left)}`, overdue: true };
}

/** "impact_started" → "Impact started". */
export function humanize(name: string): string {
  const text = name.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
