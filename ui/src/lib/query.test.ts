// Unit tests of the timeline filter normalisation.
import { describe, expect, it } from 'vitest';
import { filterKey, normalizeFilter, normalizeTime } from './query';

describe('normalizeTime', () => {
  it('treats empty or blank input as no bound', () => {
    expect(normalizeTime('', 'from')).toBeNull();
    expect(normalizeTime('   ', 'to')).toBeNull();
  });

  it('passes RFC 3339 through, with "T" and "Z" as separators', () => {
    expect(normalizeTime('2026-03-14T02:11:09Z', 'from')).toBe('2026-03-14T02:11:09Z');
    expect(normalizeTime('2026-03-14 02:11:09z', 'from')).toBe('2026-03-14T02:11:09Z');
    expect(normalizeTime(' 2026-03-14T02:11:09.123456+01:00 ', 'to')).toBe('2026-03-14T02:11:09.123456+01:00');
  });

  it('sends zone-less times as RFC 3339 UTC, seconds defaulting to zero', () => {
    expect(normalizeTime('2026-03-14 02:11:09', 'from')).toBe('2026-03-14T02:11:09Z');
    expect(normalizeTime('2026-03-14T02:11', 'from')).toBe('2026-03-14T02:11:00Z');
    expect(normalizeTime('2026-03-14 02:11:09.25', 'to')).toBe('2026-03-14T02:11:09.25Z');
  });

  it('widens a bare date to the whole day', () => {
    expect(normalizeTime('2026-03-14', 'from')).toBe('2026-03-14T00:00:00Z');
    expect(normalizeTime('2026-03-14', 'to')).toBe('2026-03-14T23:59:59.999999Z');
  });

  it('rejects what is not a valid time', () => {
    expect(normalizeTime('yesterday', 'from')).toBeUndefined();
    expect(normalizeTime('2026-02-30', 'from')).toBeUndefined();
    expect(normalizeTime('2026-03-14 24:00:00', 'from')).toBeUndefined();
    expect(normalizeTime('2026-03-14 12:60', 'to')).toBeUndefined();
    expect(normalizeTime('14/03/2026', 'to')).toBeUndefined();
  });
});

describe('normalizeFilter', () => {
  it('trims the search text and maps empty fields to null', () => {
    expect(normalizeFilter({ from: '', to: ' ', grep: '  sshd  ' })).toEqual({
      ok: true,
      filter: { from: null, to: null, grep: 'sshd' },
    });
    expect(normalizeFilter({ from: '', to: '', grep: '' })).toEqual({
      ok: true,
      filter: { from: null, to: null, grep: null },
    });
  });

  it('names the field that is wrong', () => {
    const result = normalizeFilter({ from: '2026-03-14', to: 'soon', grep: '' });
    expect(result).toEqual({
      ok: false,
      field: 'to',
      message: 'Not a UTC time: "soon" (use YYYY-MM-DD HH:MM:SS)',
    });
  });
});

describe('filterKey', () => {
  it('is equal for equal filters and different otherwise', () => {
    const a = { from: '2026-03-14T00:00:00Z', to: null, grep: 'x' };
    expect(filterKey(a)).toBe(filterKey({ ...a }));
    expect(filterKey(a)).not.toBe(filterKey({ ...a, grep: 'y' }));
    expect(filterKey({ from: null, to: null, grep: 'null' })).not.toBe(
      filterKey({ from: null, to: null, grep: null }),
    );
  });

  it('tells filters on different indicators apart, and no indicator from none', () => {
    const a = { from: null, to: null, grep: null };
    expect(filterKey({ ...a, ioc: 3 })).not.toBe(filterKey({ ...a, ioc: 4 }));
    expect(filterKey({ ...a, ioc: 3 })).not.toBe(filterKey(a));
    expect(filterKey({ ...a, ioc: null })).toBe(filterKey(a));
  });
});
