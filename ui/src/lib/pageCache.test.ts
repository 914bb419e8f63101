// Unit tests of the timeline page cache against a fake fetch (the only fake in the UI).
import { describe, expect, it } from 'vitest';
import { PageCache, type Page } from './pageCache';

/** A fake backend of `total` rows (row i is the number i) that records every request. */
function fakeBackend(total: number) {
  const calls: Array<[number, number]> = [];
  let currentTotal = total;
  let failNext = false;
  const fetch = async (offset: number, limit: number): Promise<Page<number>> => {
    calls.push([offset, limit]);
    if (failNext) {
      failNext = false;
      throw { code: 'db', message: 'disk on fire' };
    }
    const rows: number[] = [];
    for (let i = offset; i < Math.min(offset + limit, currentTotal); i++) rows.push(i);
    return { total: currentTotal, rows };
  };
  return {
    calls,
    fetch,
    setTotal: (t: number) => (currentTotal = t),
    failOnce: () => (failNext = true),
  };
}

describe('PageCache', () => {
  it('fetches only the first page while the total is unknown', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 200 });
    await cache.ensureRange(0, 999);
    expect(b.calls).toEqual([[0, 200]]);
    expect(cache.total).toBe(1000);
    expect(cache.row(0)).toBe(0);
    expect(cache.row(199)).toBe(199);
    expect(cache.row(200)).toBeUndefined();
  });

  it('fetches the pages covering a range by offset once the total is known', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 200 });
    await cache.ensureRange(0, 0);
    await cache.ensureRange(390, 610);
    expect(b.calls).toEqual([[0, 200], [200, 200], [400, 200], [600, 200]]);
    expect(cache.row(610)).toBe(610);
  });

  it('never asks for pages past the total', async () => {
    const b = fakeBackend(450);
    const cache = new PageCache(b.fetch, { pageSize: 200 });
    await cache.ensureRange(0, 0);
    await cache.ensureRange(0, 5000);
    expect(b.calls.map(([offset]) => offset)).toEqual([0, 200, 400]);
    expect(cache.row(449)).toBe(449);
  });

  it('asks for nothing more when the query matches no rows', async () => {
    const b = fakeBackend(0);
    const cache = new PageCache(b.fetch);
    await cache.ensureRange(0, 0);
    await cache.ensureRange(0, 100);
    expect(b.calls).toEqual([[0, 200]]);
    expect(cache.total).toBe(0);
  });

  it('does not fetch a page twice while its request is in flight', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    await Promise.all([cache.ensureRange(0, 0), cache.ensureRange(0, 0), cache.ensureRange(5, 5)]);
    expect(b.calls).toEqual([[0, 100]]);
  });

  it('does not fetch cached pages again', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    await cache.ensureRange(0, 0);
    await cache.ensureRange(0, 250);
    await cache.ensureRange(50, 299);
    expect(b.calls.map(([offset]) => offset)).toEqual([0, 100, 200]);
  });

  it('drops the least recently used page beyond maxPages', async () => {
    const b = fakeBackend(10_000);
    const cache = new PageCache(b.fetch, { pageSize: 100, maxPages: 3 });
    await cache.ensureRange(0, 0); // page 0
    await cache.ensureRange(100, 100); // page 1
    await cache.ensureRange(200, 200); // page 2
    await cache.ensureRange(0, 0); // page 0 used again
    await cache.ensureRange(300, 300); // page 3 evicts page 1
    expect(cache.cachedPages()).toEqual([2, 0, 3]);
    expect(cache.row(150)).toBeUndefined();
    await cache.ensureRange(150, 150);
    expect(b.calls.map(([offset]) => offset)).toEqual([0, 100, 200, 300, 100]);
    expect(cache.cachedPages()).toEqual([0, 3, 1]);
  });

  it('keeps a failed page out until retry, and reports the error', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    b.failOnce();
    await cache.ensureRange(0, 0);
    expect(cache.error).toEqual({ code: 'db', message: 'disk on fire' });
    await cache.ensureRange(0, 0);
    expect(b.calls).toHaveLength(1);
    cache.retry();
    expect(cache.error).toBeNull();
    await cache.ensureRange(0, 0);
    expect(b.calls).toHaveLength(2);
    expect(cache.row(0)).toBe(0);
  });

  it('clears older pages when the backend reports a different total', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    await cache.ensureRange(0, 0);
    await cache.ensureRange(100, 100);
    b.setTotal(1200);
    await cache.ensureRange(200, 200);
    expect(cache.total).toBe(1200);
    expect(cache.cachedPages()).toEqual([2]);
  });

  it('notifies subscribers on every load and drops answers after dispose', async () => {
    const b = fakeBackend(1000);
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    let notified = 0;
    cache.subscribe(() => notified++);
    await cache.ensureRange(0, 0);
    expect(notified).toBe(1);
    expect(cache.version).toBe(1);
    const late = cache.ensureRange(100, 100);
    cache.dispose();
    await late;
    expect(notified).toBe(1);
    expect(cache.row(100)).toBeUndefined();
    await cache.ensureRange(200, 200);
    expect(b.calls).toHaveLength(2);
  });
});
