import { describe, expect, it } from 'vitest';
import {
  formatZonedTs,
  inTimeOrder,
  loadZone,
  nextSort,
  NOTHING_PICKED,
  pick,
  saveZone,
  sortState,
  zoneChoices,
  zoneParam,
} from './timelineView';

describe('nextSort', () => {
  it('cycles ascending, descending, then time order', () => {
    expect(nextSort(null, 'host')).toBe('host');
    expect(nextSort('host', 'host')).toBe('-host');
    expect(nextSort('-host', 'host')).toBeNull();
    expect(nextSort('-host', 'user')).toBe('user');
  });

  it('leaves the sort alone for columns the engine cannot sort by', () => {
    expect(nextSort('host', 'tags')).toBe('host');
    expect(nextSort(null, 'mark')).toBeNull();
  });

  it('says how a header shows the sort and when the view is in time order', () => {
    expect(sortState('host', 'host')).toBe('ascending');
    expect(sortState('-host', 'host')).toBe('descending');
    expect(sortState('-host', 'user')).toBe('none');
    expect(inTimeOrder(null)).toBe(true);
    expect(inTimeOrder('ts')).toBe(true);
    expect(inTimeOrder('-ts')).toBe(false);
    expect(inTimeOrder('host')).toBe(false);
  });
});

describe('formatZonedTs', () => {
  it('shows the offset of a zoned time and none for UTC', () => {
    expect(formatZonedTs('2026-03-14T03:11:09.000000+01:00')).toBe('2026-03-14 03:11:09.000000 +01:00');
    expect(formatZonedTs('2026-03-13T22:11:09.000000-04:00')).toBe('2026-03-13 22:11:09.000000 -04:00');
    expect(formatZonedTs('2026-03-14T02:11:09.000000Z')).toBe('2026-03-14 02:11:09.000000');
    expect(formatZonedTs('2026-03-14T02:11:09+00:00')).toBe('2026-03-14 02:11:09');
  });

  it('shows a missing time as a dash and anything else unchanged', () => {
    expect(formatZonedTs(null)).toBe('—');
    expect(formatZonedTs('(out of range: 9 µs)')).toBe('(out of range: 9 µs)');
  });
});

describe('display zone', () => {
  it('is remembered, UTC by default, and sent to the engine only when not UTC', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadZone(storage)).toBe('UTC');
    saveZone(storage, 'Europe/Berlin');
    expect(loadZone(storage)).toBe('Europe/Berlin');
    expect(loadZone(null)).toBe('UTC');
    const broken = { getItem: () => { throw new Error('denied'); } };
    expect(loadZone(broken)).toBe('UTC');
    expect(zoneParam('UTC')).toBeNull();
    expect(zoneParam('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('offers UTC, then the local zone, then the rest without repeats', () => {
    expect(zoneChoices(['Africa/Abidjan', 'Europe/Berlin', 'UTC'], 'Europe/Berlin')).toEqual([
      'UTC',
      'Europe/Berlin',
      'Africa/Abidjan',
    ]);
    expect(zoneChoices(['Asia/Tokyo'], 'UTC')).toEqual(['UTC', 'Asia/Tokyo']);
  });
});

describe('pick', () => {
  const ids = [100, 101, 102, 103, 104];
  const idAt = (i: number) => ids[i];

  it('a plain click picks nothing and sets the anchor', () => {
    const p = pick({ ids: new Set([100, 101]), anchor: 0 }, { index: 3, id: 103, ctrl: false, shift: false }, null, idAt);
    expect([...p.ids]).toEqual([]);
    expect(p.anchor).toBe(3);
  });

  it('ctrl toggles rows and keeps the open event when it starts a selection', () => {
    let p = pick(NOTHING_PICKED, { index: 2, id: 102, ctrl: true, shift: false }, { index: 0, id: 100 }, idAt);
    expect([...p.ids].sort()).toEqual([100, 102]);
    p = pick(p, { index: 4, id: 104, ctrl: true, shift: false }, { index: 0, id: 100 }, idAt);
    expect([...p.ids].sort()).toEqual([100, 102, 104]);
    p = pick(p, { index: 2, id: 102, ctrl: true, shift: false }, { index: 0, id: 100 }, idAt);
    expect([...p.ids].sort()).toEqual([100, 104]);
  });

  it('shift adds the loaded rows between the anchor and the click, either direction', () => {
    let p = pick(NOTHING_PICKED, { index: 3, id: 103, ctrl: false, shift: true }, { index: 1, id: 101 }, idAt);
    expect([...p.ids].sort()).toEqual([101, 102, 103]);
    expect(p.anchor).toBe(1);
    p = pick({ ids: new Set(), anchor: 4 }, { index: 2, id: 102, ctrl: false, shift: true }, null, (i) => (i === 3 ? undefined : ids[i]));
    expect([...p.ids].sort()).toEqual([102, 104]);
  });
});
