// The rows of one timeline query, fetched on demand in fixed-size pages by offset and kept in a
// small LRU, so the table can scroll through millions of events holding only ~50 pages.
// One cache serves one query: when the filter or the case changes, make a new cache and
// dispose of the old one (its late answers are then dropped). Plain TS, no React.

export type Page<T> = { total: number; rows: T[] };
export type FetchPage<T> = (offset: number, limit: number) => Promise<Page<T>>;

export type PageCacheOptions = {
  /** Rows per request. */
  pageSize?: number;
  /** Pages kept; the least recently used page beyond this is dropped. */
  maxPages?: number;
};

export class PageCache<T> {
  readonly pageSize: number;
  readonly maxPages: number;
  private readonly fetchPage: FetchPage<T>;
  /** Page number → rows; Map order is LRU order, oldest first. */
  private readonly pages = new Map<number, T[]>();
  private readonly inflight = new Map<number, Promise<void>>();
  private readonly failed = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private knownTotal: number | null = null;
  private lastError: unknown = null;
  private changes = 0;
  private disposed = false;

  constructor(fetchPage: FetchPage<T>, options: PageCacheOptions = {}) {
    this.fetchPage = fetchPage;
    this.pageSize = options.pageSize ?? 200;
    this.maxPages = options.maxPages ?? 50;
    if (this.pageSize < 1 || this.maxPages < 1) throw new RangeError('pageSize and maxPages must be ≥ 1');
  }

  /** Rows matching the query, known after the first page arrives. */
  get total(): number | null {
    return this.knownTotal;
  }

  /** The last fetch failure, until `retry()`. */
  get error(): unknown {
    return this.lastError;
  }

  /** Increases on every change; a cheap snapshot for React's useSyncExternalStore. */
  get version(): number {
    return this.changes;
  }

  /** Cached page numbers, least recently used first. */
  cachedPages(): number[] {
    return [...this.pages.keys()];
  }

  /** The row at `index` if its page is cached. Does not fetch; does not count as a use. */
  row(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /**
   * Make sure rows `first..=last` are cached or on their way: cached pages count as used,
   * missing ones are fetched (once, however often this is called). While the total is unknown
   * only the page of `first` is fetched. Failed pages wait for `retry()`.
   */
  ensureRange(first: number, last: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    let end = Math.max(first, last);
    if (this.knownTotal !== null) end = Math.min(end, this.knownTotal - 1);
    else end = first;
    const waits: Promise<void>[] = [];
    const firstPage = Math.floor(Math.max(first, 0) / this.pageSize);
    const lastPage = Math.floor(end / this.pageSize);
    for (let page = firstPage; page <= lastPage; page++) {
      const rows = this.pages.get(page);
      if (rows) {
        this.pages.delete(page);
        this.pages.set(page, rows);
        continue;
      }
      const pending = this.inflight.get(page);
      if (pending) waits.push(pending);
      else if (!this.failed.has(page)) waits.push(this.load(page));
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** Forget failures so the next `ensureRange` fetches those pages again. */
  retry(): void {
    this.failed.clear();
    this.lastError = null;
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop notifying and drop answers still on their way. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private load(page: number): Promise<void> {
    const done = this.fetchPage(page * this.pageSize, this.pageSize).then(
      (result) => {
        this.inflight.delete(page);
        if (this.disposed) return;
        if (this.knownTotal !== null && result.total !== this.knownTotal) {
          // The data changed under us: pages from before no longer line up with offsets.
          this.pages.clear();
        }
        this.knownTotal = result.total;
        this.pages.set(page, result.rows);
        while (this.pages.size > this.maxPages) {
          const oldest = this.pages.keys().next().value as number;
          this.pages.delete(oldest);
        }
        this.notify();
      },
      (err: unknown) => {
        this.inflight.delete(page);
        if (this.disposed) return;
        this.failed.add(page);
        this.lastError = err;
        this.notify();
      },
    );
    this.inflight.set(page, done);
    return done;
  }

  private notify(): void {
    this.changes++;
    for (const listener of [...this.listeners]) listener();
  }
}
