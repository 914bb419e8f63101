import { describe, expect, it } from 'vitest';
import type { Deadline } from '../api/incident';
import { awaitsNotification, checkEmail, lateReasonNeeded, nowInput, parseCount, parseUtcMicros } from './incidentInput';

describe('parseUtcMicros', () => {
  it('reads the forms the core reads, to the microsecond', () => {
    expect(parseUtcMicros('2026-03-17T02:11:09.123456Z')).toBe(Date.UTC(2026, 2, 17, 2, 11, 9) * 1000 + 123456);
    expect(parseUtcMicros('2026-03-17 02:11')).toBe(Date.UTC(2026, 2, 17, 2, 11) * 1000);
    expect(parseUtcMicros(' 2026-03-17T02:11:09 ')).toBe(Date.UTC(2026, 2, 17, 2, 11, 9) * 1000);
    expect(parseUtcMicros('2026-03-17')).toBe(Date.UTC(2026, 2, 17) * 1000);
    expect(parseUtcMicros('2026-03-17T04:11:09+02:00')).toBe(Date.UTC(2026, 2, 17, 2, 11, 9) * 1000);
  });

  it('refuses what is not a time', () => {
    expect(parseUtcMicros('')).toBeNull();
    expect(parseUtcMicros('yesterday')).toBeNull();
    expect(parseUtcMicros('2026-02-30 10:00')).toBeNull();
    expect(parseUtcMicros('2026-03-17 24:00')).toBeNull();
    expect(parseUtcMicros('2026-03-17 10:00Z')).toBeNull();
  });
});

describe('nowInput', () => {
  it('is the UTC minute in the form the inputs take', () => {
    expect(nowInput(Date.UTC(2026, 10, 23, 11, 5, 59))).toBe('2026-11-23 11:05');
  });
});

describe('parseCount', () => {
  it('takes whole numbers from 0 and an empty text as not known', () => {
    expect(parseCount('People affected', '620')).toEqual({ ok: true, value: 620 });
    expect(parseCount('People affected', ' 0 ')).toEqual({ ok: true, value: 0 });
    expect(parseCount('People affected', '')).toEqual({ ok: true, value: null });
  });

  it('names the field and the text it refuses', () => {
    expect(parseCount('Records affected', '-3')).toEqual({
      ok: false,
      error: 'Records affected must be a whole number, 0 or more (not “-3”)',
    });
    expect(parseCount('People affected', '1.5').ok).toBe(false);
    expect(parseCount('People affected', '12 k').ok).toBe(false);
    expect(parseCount('People affected', '99999999999999999999').ok).toBe(false);
  });
});

describe('checkEmail', () => {
  it('accepts an empty text or an address', () => {
    expect(checkEmail('')).toBeNull();
    expect(checkEmail('dana@example.com')).toBeNull();
  });

  it('refuses text that is not one', () => {
    expect(checkEmail('dana at example.com')).toBe('“dana at example.com” is not an e-mail address');
    expect(checkEmail('@example.com')).not.toBeNull();
    expect(checkEmail('a@b@c')).not.toBeNull();
  });
});

function deadline(over: Partial<Deadline>): Deadline {
  return {
    rule: 'gdpr_art33',
    regime: 'gdpr',
    name: 'GDPR Art. 33',
    recipient: 'the competent supervisory authority',
    reference: '',
    status: 'overdue',
    due: '2026-03-17T02:11:09.500000Z',
    asap: false,
    basis: '',
    waiting_for: null,
    seconds: null,
    remaining: '',
    sent_at: null,
    notification_id: null,
    late_reason_required: true,
    late_reason: '',
    reason_missing: false,
    note: '',
    ...over,
  };
}

describe('lateReasonNeeded', () => {
  it('asks for the reason only after the due time, to the microsecond', () => {
    const d = deadline({});
    expect(lateReasonNeeded(d, '2026-03-17 02:11:09')).toBe(false);
    expect(lateReasonNeeded(d, '2026-03-17T02:11:09.500000Z')).toBe(false);
    expect(lateReasonNeeded(d, '2026-03-17T02:11:09.500001Z')).toBe(true);
    expect(lateReasonNeeded(d, '2026-03-18')).toBe(true);
  });

  it('never for a rule without the requirement, an asap rule or an unreadable time', () => {
    expect(lateReasonNeeded(deadline({ late_reason_required: false }), '2026-03-18')).toBe(false);
    expect(lateReasonNeeded(deadline({ asap: true }), '2026-03-18')).toBe(false);
    expect(lateReasonNeeded(deadline({ due: null }), '2026-03-18')).toBe(false);
    expect(lateReasonNeeded(deadline({}), 'next week')).toBe(false);
  });
});

describe('awaitsNotification', () => {
  it('is true while a deadline is owed, false once met, late, pending or not applicable', () => {
    const owed = ['due', 'due_now', 'overdue'] as const;
    const settled = ['met', 'late', 'pending', 'not_applicable'] as const;
    for (const status of owed) expect(awaitsNotification(deadline({ status }))).toBe(true);
    for (const status of settled) expect(awaitsNotification(deadline({ status }))).toBe(false);
  });
});
