import { describe, expect, it } from 'vitest';
import { countdown, humanize, spanText } from './countdown';

describe('countdown', () => {
  const due = '2026-03-16T10:00:00.000000Z';
  const at = (iso: string) => Date.parse(iso);

  it('counts down to the second while time is left', () => {
    expect(countdown(due, at('2026-03-14T08:59:55Z'))).toEqual({ text: '2 d 1 h 0 min 5 s left', overdue: false });
    expect(countdown(due, at('2026-03-16T09:59:15Z'))).toEqual({ text: '45 s left', overdue: false });
    expect(countdown(due, at('2026-03-16T10:00:00Z'))).toEqual({ text: '0 s left', overdue: false });
  });

  it('says by how much a deadline is overdue', () => {
    expect(countdown(due, at('2026-03-16T13:15:00Z'))).toEqual({ text: 'overdue by 3 h 15 min 0 s', overdue: true });
  });

  it('shows a dash for a time it cannot read', () => {
    expect(countdown('soon', 0)).toEqual({ text: '—', overdue: false });
  });

  it('spells spans and names', () => {
    expect(spanText(90_061_000)).toBe('1 d 1 h 1 min 1 s');
    expect(humanize('materiality_determined')).toBe('Materiality determined');
  });
});
