// Checks the incident record's edit screens run before they send anything: typed UTC times,
// counts of people and records, e-mail addresses, and whether a notification recorded for a
// deadline is late and so needs the reason the rule asks for. The core checks everything
// again; these only let a screen say what is wrong before the round trip.

import type { Deadline } from '../api/incident';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A typed time as microseconds since the epoch, read as the core reads it: RFC 3339, or
 * "YYYY-MM-DD[ HH:MM[:SS[.fraction]]]" in UTC. null when it is not a time.
 */
export function parseUtcMicros(text: string): number | null {
  const m = DATE_TIME.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  // RFC 3339 needs seconds and a zone together; a zone on a shorter form is not a time.
  if (zone !== undefined && m[6] === undefined) return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const micros = Number(frac.padEnd(6, '0').slice(0, 6));
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

/** Now as a UTC time for a text input: "2026-03-14 02:11". */
export function nowInput(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 16).replace('T', ' ');
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** A count typed in ("" → not known): a whole number, 0 or more. */
export function parseCount(what: string, text: string): Checked<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    return { ok: false, error: `${what} must be a whole number, 0 or more (not “${t}”)` };
  }
  return { ok: true, value: Number(t) };
}

/** An e-mail address typed in: empty, or one "@" with text on both sides and no spaces. */
export function checkEmail(text: string): string | null {
  const t = text.trim();
  if (t === '' || /^[^\s@]+@[^\s@]+$/.test(t)) return null;
  return `“${t}” is not an e-mail address`;
}

/** A deadline still owed, for which a sent notification can be recorded. */
export function awaitsNotification(d: Deadline): boolean {
  return d.status === 'due' || d.status === 'due_now' || d.status === 'overdue';
}

/**
 * Whether a notification sent at `sentAt` (as typed) answers `d` after its due time while the
 * rule requires the reason for the delay (GDPR Art. 33). A rule without a fixed time ("without
 * undue delay") is never late; a time that cannot be read is left for the core to refuse.
 */
export function lateReasonNeeded(d: Pick<Deadline, 'late_reason_required' | 'due' | 'asap'>, sentAt: string): boolean {
  if (!d.late_reason_required || d.asap || d.due === null) return false;
  const sent = parseUtcMicros(sentAt);
  const due = parseUtcMicros(d.due);
  return sent !== null && due !== null && sent > due;
}
