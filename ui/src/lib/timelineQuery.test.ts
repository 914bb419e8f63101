import { describe, expect, it } from 'vitest';
import { isoMicros, remember, zoomQuery } from './timelineQuery';

describe('remember', () => {
  it('puts the latest query first without duplicates and drops blanks', () => {
    expect(remember(['b', 'a'], 'a')).toEqual(['a', 'b']);
    expect(remember(['a'], '  ')).toEqual(['a']);
    expect(remember(['a', 'b', 'c'], 'd', 3)).toEqual(['d', 'a', 'b']);
  });
});

describe('zoomQuery', () => {
  it('formats microseconds as RFC 3339 UTC', () => {
    expect(isoMicros(1_773_454_269_000_001)).toBe('2026-03-14T02:11:09.000001Z');
  });
  it('ANDs the range with the whole query, in order', () => {
    expect(zoomQuery('a OR b', 1_773_454_269_000_000, 1_773_454_200_000_000)).toBe(
      '(a OR b) ts:2026-03-14T02:10:00.000000Z..2026-03-14T02:11:09.000000Z',
    );
    expect(zoomQuery(' ', 0, 1)).toBe('ts:1970-01-01T00:00:00.000000Z..1970-01-01T00:00:00.000001Z');
  });
});
