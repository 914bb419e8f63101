// The virtualized timeline table with its query bar, histogram, column chooser, export and
// annotation bar. The table knows only `total` and the rows of the pages it has fetched
// (PageCache: 200 rows per request, LRU of 50 pages); scrolling fetches the pages in view. A
// new query, zoom, sort, zone, annotation or new data starts a new cache. Rows are 28 px; click
// or Enter opens an event, ctrl/cmd-click and shift-click pick several rows for the bulk
// annotation bar, arrow keys / Page Up / Page Down / Home / End move the focused row, and on
// the focused row s stars, t tags, n writes a note. A header click sorts by its column; "Jump
// to" scrolls to the first event at or after a time; times are shown in the chosen zone.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import * as api from '../api/api';
import type { EventRow } from '../api/types';
import { toApiError } from '../api/errors';
import { PageCache } from '../lib/pageCache';
import { zoomQuery } from '../lib/timelineQuery';
import { formatCount, formatTs, orDash, plural } from '../lib/format';
import { timelineJump } from '../api/timeline';
import {
  formatZonedTs,
  inTimeOrder,
  nextSort,
  NOTHING_PICKED,
  pick,
  SORTABLE,
  sortState,
  zoneParam,
  type Picked,
  type SortSpec,
} from '../lib/timelineView';
import { TimelineBulk } from './TimelineBulk';
import { TimelineViewBar } from './TimelineViewBar';
import { TimelineQueryBar } from './TimelineQueryBar';
import { TimelineHistogram } from './TimelineHistogram';
import { annotateRow, TimelineAnnotate, type AnnotateMode } from './TimelineAnnotate';
import { TimelineColumns, TimelineExport } from './TimelineTools';
import { rowWindow, WINDOW_ROWS } from '../lib/rowWindow';
import './Timeline.css';
import './TimelineEngine.css';
import './TimelineView.css';

export const ROW_HEIGHT = 28;
const PAGE_SIZE = 200;
const MAX_PAGES = 50;

type Props = {
  /** Changes whenever the case's events may have changed (open, create, import). */
  dataVersion: number;
  selectedId: number | null;
  onOpen: (id: number) => void;
  onError: (err: unknown) => void;
  onNotice: (message: string) => void;
  /** A query set from outside (an indicator's hits: `ioc:ID`); each change replaces the query. */
  preset?: string | null;
  /** Display zone (IANA name, 'UTC' by default) and its chooser. */
  zone: string;
  onZone: (zone: string) => void;
  /** Called after events were annotated from the table (the drawer then re-reads its event). */
  onAnnotated?: () => void;
};

const COLUMNS: Array<{ key: string; label: string; cell: (r: EventRow) => string }> = [
  {
    key: 'mark',
    label: '★',
    cell: (r) => (r.starred ? '★' : '') + (r.iocs?.length ? '◆' : '') + (r.verdict ? ` ${r.verdict[0]!.toUpperCase()}` : ''),
  },
  { key: 'ts', label: 'Time', cell: (r) => formatZonedTs(r.ts) },
  { key: 'source', label: 'Source', cell: (r) => r.source },
  { key: 'host', label: 'Host', cell: (r) => orDash(r.host) },
  { key: 'user', label: 'User', cell: (r) => orDash(r.user) },
  { key: 'tags', label: 'Tags', cell: (r) => (r.tags ?? []).join(' ') },
  { key: 'process', label: 'Process', cell: (r) => orDash(r.process) },
  { key: 'src_ip', label: 'Source IP', cell: (r) => orDash(r.src_ip) },
  { key: 'action', label: 'Action', cell: (r) => orDash(r.action) },
  { key: 'dst_ip', label: 'Dest. IP', cell: (r) => orDash(r.dst_ip) },
  { key: 'event_code', label: 'Code', cell: (r) => orDash(r.event_code) },
  { key: 'severity', label: 'Severity', cell: (r) => orDash(r.severity) },
  { key: 'message', label: 'Message', cell: (r) => r.message },
];

// Narrow enough that mark to tags (the investigator's own marks) stay in view beside the open
// event drawer at 1280 px; the rest scrolls sideways.
const WIDTHS: Record<string, string> = {
  mark: '48px',
  ts: '204px',
  source: '92px',
  host: '112px',
  user: '96px',
  tags: '140px',
  process: '112px',
  src_ip: '116px',
  action: '110px',
  dst_ip: '120px',
  event_code: '70px',
  severity: '90px',
  message: 'minmax(300px, 1fr)',
};

const HIDDEN_BY_DEFAULT = ['dst_ip', 'event_code', 'severity'];
const COLUMNS_KEY = 'tideline.columns';

function loadColumns(): Set<string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null');
    if (Array.isArray(v)) return new Set(v.filter((x): x is string => typeof x === 'string'));
  } catch {
    // fall through to the default
  }
  return new Set(COLUMNS.map((c) => c.key).filter((k) => !HIDDEN_BY_DEFAULT.includes(k)));
}

export function Timeline({ dataVersion, selectedId, onOpen, onError, onNotice, preset = null, zone, onZone, onAnnotated }: Props) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortSpec>(null);
  const [picked, setPicked] = useState<Picked>(NOTHING_PICKED);
  const [bulkOpen, setBulkOpen] = useState(false);
  /** A jump waiting for its row to exist in the table: its offset in the view. */
  const [jump, setJump] = useState<{ offset: number } | null>(null);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [annotations, setAnnotations] = useState(0);
  const [visible, setVisible] = useState<Set<string>>(loadColumns);
  const [mode, setMode] = useState<AnnotateMode>(null);
  const effective = zoom ? zoomQuery(query, zoom[0], zoom[1]) : query;
  const columns = COLUMNS.filter((c) => visible.has(c.key));
  const zoned = zoneParam(zone);
  const width = (key: string) => (key === 'ts' && zoned !== null ? '262px' : (WIDTHS[key] ?? '120px'));
  const grid = { gridTemplateColumns: columns.map((c) => width(c.key)).join(' ') };
  const view = { query: effective, sort, zone: zoned };
  // One cache per (query, sort, zone, data version, annotation version).
  const cache = useMemo(
    () =>
      new PageCache<EventRow>(
        (offset, limit) =>
          api.timelinePage({ query: effective, sort, zone: zoned, offset, limit }).then((page) => ({ total: page.total, rows: page.rows })),
        { pageSize: PAGE_SIZE, maxPages: MAX_PAGES },
      ),
    [effective, sort, zoned, dataVersion, annotations],
  );
  const applyQuery = (q: string) => {
    setZoom(null);
    setQuery(q);
  };
  useEffect(() => {
    setZoom(null);
    setQuery(preset ?? '');
  }, [preset]);
  const toggleColumn = (key: string) => {
    const next = new Set(visible);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setVisible(next);
    try {
      localStorage.setItem(COLUMNS_KEY, JSON.stringify([...next]));
    } catch {
      // not kept
    }
  };
  const changed = useCallback(() => {
    setAnnotations((v) => v + 1);
    onAnnotated?.();
  }, [onAnnotated]);
  // Drop the previous query's late answers. (Not an unmount cleanup: StrictMode would
  // dispose of the cache still in use.)
  const previous = useRef<PageCache<EventRow> | null>(null);
  useEffect(() => {
    if (previous.current !== cache) previous.current?.dispose();
    previous.current = cache;
  }, [cache]);
  const version = useSyncExternalStore(
    (listener) => cache.subscribe(listener),
    () => cache.version,
  );

  const total = cache.total;
  const [windowIndex, setWindowIndex] = useState(0);
  const win = rowWindow(total ?? 0, windowIndex);
  const [active, setActive] = useState(-1); // focused row, index within the window
  const focusPending = useRef(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: win.rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: ROW_HEIGHT, // the sticky header row
    scrollPaddingStart: ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  // New query, sort or data: back to the top of the first window, nothing picked (an
  // annotation or another zone keeps the place).
  useEffect(() => {
    setWindowIndex(0);
    setActive(-1);
    setPicked(NOTHING_PICKED);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [effective, sort, dataVersion]);

  // A jump: once the view is long enough, open the window holding the row and bring the
  // row to the top, focused.
  useEffect(() => {
    if (jump === null || total === null) return;
    if (jump.offset >= total) {
      onNotice('No event at or after that time in this view.');
      setJump(null);
      return;
    }
    const w = rowWindow(total, Math.floor(jump.offset / WINDOW_ROWS));
    if (w.index !== windowIndex) {
      setWindowIndex(w.index);
      return;
    }
    const index = jump.offset - w.start;
    if (index >= win.rows) return;
    setJump(null);
    focusPending.current = true;
    setActive(index);
    virtualizer.scrollToIndex(index, { align: 'start' });
  });

  const jumpTo = (at: string) => {
    // Jumping needs time order: a sorted view goes back to it first.
    const timeOrder = inTimeOrder(sort) ? sort : null;
    timelineJump({ ...view, sort: timeOrder, offset: 0, limit: 0 }, at).then((j) => {
      setSort(timeOrder);
      setJump({ offset: j.offset });
    }, onError);
  };

  // Fetch what is in view (only the first page until the total is known).
  useEffect(() => {
    void cache.ensureRange(win.start + first, win.start + last);
  }, [cache, version, win.start, first, last]);

  const error = cache.error;
  const queryError = error !== null && toApiError(error).code === 'bad_query' ? toApiError(error).message : null;
  useEffect(() => {
    if (error && queryError === null) onError(error);
  }, [error, queryError, onError]);
  const activeRow = active >= 0 ? (cache.row(win.start + active) ?? null) : null;
  const refocus = () => {
    focusPending.current = true;
    setActive((a) => a);
    scrollRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.focus({ preventScroll: true });
  };

  // Keyboard focus follows `active` once its row is rendered.
  useEffect(() => {
    if (!focusPending.current || active < 0) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      focusPending.current = false;
    }
  });

  // The grid itself takes Tab focus unless the focused row is rendered (it may have been
  // scrolled out of the DOM).
  const activeRendered = active >= 0 && items.some((item) => item.index === active);

  const moveTo = (index: number) => {
    if (win.rows === 0) return;
    const next = Math.min(Math.max(index, 0), win.rows - 1);
    focusPending.current = true;
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys on a header's sort button are the button's own (Enter and Space sort).
    if ((e.target as HTMLElement).closest('.tl-head')) return;
    const el = scrollRef.current;
    const pageRows = Math.max(1, Math.floor((el?.clientHeight ?? ROW_HEIGHT * 2) / ROW_HEIGHT) - 2);
    // With no focused row yet, keys start from the first row in view (below the header).
    const topRow = Math.floor((el?.scrollTop ?? 0) / ROW_HEIGHT);
    const from = active >= 0 ? active : topRow;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(active >= 0 ? active + 1 : topRow);
        break;
      case 'ArrowUp':
        moveTo(active >= 0 ? active - 1 : topRow);
        break;
      case 'PageDown':
        moveTo(from + pageRows);
        break;
      case 'PageUp':
        moveTo(from - pageRows);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(win.rows - 1);
        break;
      case 'Enter': {
        const row = active >= 0 ? cache.row(win.start + active) : undefined;
        if (row) onOpen(row.id);
        break;
      }
      case 's':
        if (activeRow) void annotateRow(activeRow, { kind: activeRow.starred ? 'unstar' : 'star' }).then(changed, onError);
        break;
      case 't':
        if (activeRow) setMode('tag');
        break;
      case 'n':
        if (activeRow) setMode('note');
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const onRowClick = (e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }, index: number, id: number) => {
    const ctrl = e.ctrlKey || e.metaKey;
    // The open event is where a selection starts (not the focused row: the click has
    // already focused the row it picks).
    const current = selectedId !== null ? { index: picked.anchor ?? index, id: selectedId } : null;
    const next = pick(picked, { index, id, ctrl, shift: e.shiftKey }, current, (i) => cache.row(win.start + i)?.id);
    setPicked(next);
    setActive(index);
    if (!ctrl && !e.shiftKey) onOpen(id);
    else if (next.ids.size >= 2) setBulkOpen(true);
  };
  const pickedIds = [...picked.ids];
  const sortLabel = sort === null ? null : (COLUMNS.find((c) => c.key === sort.replace(/^-/, ''))?.label ?? null);

  const switchWindow = (index: number) => {
    setWindowIndex(index);
    setActive(-1);
    scrollRef.current?.scrollTo({ top: 0 });
  };

  return (
    <div className="timeline">
      <div className="tl-toolbar">
        <TimelineQueryBar onApply={applyQuery} error={queryError} preset={preset} />
        <span id="tl-total" className="tl-total" aria-live="polite">
          {total === null ? (error ? 'events unavailable' : 'counting events…') : plural(total, 'event')}
        </span>
        <TimelineColumns columns={COLUMNS} visible={visible} onToggle={toggleColumn} />
        <TimelineExport query={effective} sort={sort} onDone={onNotice} onError={onError} />
      </div>
      <TimelineHistogram query={effective} version={`${dataVersion}:${annotations}`} onZoom={(a, b) => setZoom([a, b])} onError={onError} />
      {zoom && (
        <div className="tl-zoom">
          Zoomed to {formatTs(new Date(zoom[0] / 1000).toISOString())} – {formatTs(new Date(zoom[1] / 1000).toISOString())}{' '}
          <button type="button" id="zoom-reset" onClick={() => setZoom(null)}>
            Reset zoom
          </button>
        </div>
      )}
      <TimelineViewBar
        sort={sort}
        sortLabel={sortLabel}
        onResetSort={() => setSort(null)}
        zone={zone}
        onZone={onZone}
        onJump={jumpTo}
        bulkOpen={bulkOpen}
        onBulk={() => setBulkOpen((o) => !o)}
      />
      <TimelineAnnotate row={activeRow} mode={mode} onMode={setMode} onChanged={changed} onError={onError} onDone={refocus} />
      {(bulkOpen || picked.ids.size >= 2) && (
        <TimelineBulk
          key={effective}
          picked={pickedIds}
          query={{ ...view, offset: 0, limit: 0 }}
          total={total}
          onChanged={(message) => {
            changed();
            onNotice(message);
          }}
          onClearPicked={() => setPicked(NOTHING_PICKED)}
          onClose={() => {
            setBulkOpen(false);
            setPicked(NOTHING_PICKED);
          }}
          onError={onError}
        />
      )}
      {win.count > 1 && (
        <div className="tl-window">
          Rows {formatCount(win.start + 1)}–{formatCount(win.start + win.rows)} of {formatCount(total ?? 0)}
          <button type="button" disabled={win.index === 0} onClick={() => switchWindow(win.index - 1)}>
            ◀ Previous {formatCount(WINDOW_ROWS)}
          </button>
          <button type="button" disabled={win.index + 1 >= win.count} onClick={() => switchWindow(win.index + 1)}>
            Next {formatCount(WINDOW_ROWS)} ▶
          </button>
        </div>
      )}
      <div
        id="timeline"
        ref={scrollRef}
        className="tl-scroll"
        role="grid"
        aria-label="Timeline"
        aria-rowcount={(total ?? 0) + 1}
        tabIndex={activeRendered ? -1 : 0}
        onKeyDown={onKeyDown}
      >
        <div className="tl-sizer" style={{ height: virtualizer.getTotalSize() }}>
          <div className="tl-head" role="row" aria-rowindex={1} style={grid}>
            {columns.map((c) => {
              const label = c.key === 'ts' ? `Time (${zone})` : c.label;
              if (!SORTABLE.has(c.key)) {
                return (
                  <div key={c.key} role="columnheader" className={`tl-cell col-${c.key}`}>
                    {label}
                  </div>
                );
              }
              const state = sortState(sort, c.key);
              return (
                <div key={c.key} role="columnheader" aria-sort={state} className={`tl-cell col-${c.key}`}>
                  <button
                    type="button"
                    className="tl-sort-head"
                    data-column={c.key}
                    title={`Sort by ${c.label.toLowerCase()} (ascending, descending, then time order)`}
                    onClick={() => setSort((s) => nextSort(s, c.key))}
                  >
                    {label}
                    {state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}
                  </button>
                </div>
              );
            })}
          </div>
          {items.map((item) => {
            const row = cache.row(win.start + item.index);
            const style = { transform: `translateY(${item.start}px)`, ...grid };
            const rowIndex = win.start + item.index + 2;
            if (!row) {
              return (
                <div key={item.key} className="tl-placeholder" role="row" aria-rowindex={rowIndex} data-index={item.index} tabIndex={-1} style={style}>
                  <div role="gridcell" className="tl-cell">
                    {error ? '' : '…'}
                  </div>
                </div>
              );
            }
            const classes = ['tl-row'];
            if (row.id === selectedId) classes.push('selected');
            if (row.ts_quality !== 'exact') classes.push('ts-inexact');
            if (row.starred) classes.push('starred');
            if (row.verdict) classes.push(`verdict-${row.verdict}`);
            const isPicked = picked.ids.has(row.id);
            if (isPicked) classes.push('picked');
            return (
              <div
                key={item.key}
                className={classes.join(' ')}
                role="row"
                aria-rowindex={rowIndex}
                aria-selected={row.id === selectedId || isPicked}
                data-id={row.id}
                data-index={item.index}
                tabIndex={item.index === active ? 0 : -1}
                style={style}
                onClick={(e) => onRowClick(e, item.index, row.id)}
                onFocus={() => setActive(item.index)}
              >
                {columns.map((c) => {
                  const text = c.cell(row);
                  return (
                    <div
                      key={c.key}
                      role="gridcell"
                      className={`tl-cell col-${c.key}`}
                      title={
                        c.key === 'ts'
                          ? `${text} · ${row.ts_quality}`
                          : c.key === 'message' || c.key === 'tags'
                            ? text
                            : c.key === 'mark' && row.iocs?.length
                              ? `hit by indicator ${row.iocs.join(', ')}`
                              : undefined
                      }
                    >
                      {text}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      {error !== null && (
        <div className="tl-error">
          Some rows could not be loaded.{' '}
          <button type="button" onClick={() => cache.retry()}>
            Retry
          </button>
        </div>
      )}
      {total === 0 && <p className="tl-empty muted">No events match.</p>}
    </div>
  );
}
