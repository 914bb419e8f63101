// Pure helpers of the timeline table's view: the sort a header click gives, the time as shown
// in the display zone, the remembered display zone, and which rows a click picks for
// annotating several events at once.

/** Columns the engine can sort by (tags, indicators and the mark column cannot). */
export const SORTABLE = new Set([
  'ts',
  'source',
  'host',
  'user',
  'process',
  'src_ip',
  'dst_ip',
  'action',
  'event_code',
  'severity',
  'message',
]);

/** A sort as the engine reads it: `column` (ascending) or `-column`; null is time order. */
export type SortSpec = string | null;

/** Clicking a header: ascending, then descending, then back to time order. */
export function nextSort(current: SortSpec, column: string): SortSpec {
  if (!SORTABLE.has(column)) return current;
  if (current === column) return `-${column}`;
  if (current === `-${column}`) return null;
  return column;
}

/** How the header of `column` shows the sort: 'ascending', 'descending' or 'none'. */
export function sortState(current: SortSpec, column: string): 'ascending' | 'descending' | 'none' {
  if (current === column) return 'ascending';
  if (current === `-${column}`) return 'descending';
  return 'none';
}

/** True when the view is in time order (jumping to a time needs it). */
export function inTimeOrder(sort: SortSpec): boolean {
  return sort === null || sort === 'ts';
}

/**
 * An RFC 3339 time as the table shows it: "2026-03-14T03:11:09.000000+01:00" →
 * "2026-03-14 03:11:09.000000 +01:00"; UTC ("Z" or +00:00) without an offset. Anything else
 * unchanged; null → "—".
 */
export function formatZonedTs(ts: string | null): string {
  if (ts === null) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return ts;
  const offset = m[3] === 'Z' || m[3] === '+00:00' || m[3] === '-00:00' ? '' : ` ${m[3]}`;
  return `${m[1]} ${m[2]}${offset}`;
}

export const ZONE_KEY = 'tideline.zone';

/** The remembered display zone ('UTC' when none was chosen or storage is unavailable). */
export function loadZone(storage: Pick<Storage, 'getItem'> | null): string {
  try {
    const z = storage?.getItem(ZONE_KEY);
    return z && z.trim() !== '' ? z : 'UTC';
  } catch {
    return 'UTC';
  }
}

export function saveZone(storage: Pick<Storage, 'setItem'> | null, zone: string): void {
  try {
    storage?.setItem(ZONE_KEY, zone);
  } catch {
    // not kept
  }
}

/** The zone the engine is asked for: null for UTC (its default). */
export function zoneParam(zone: string): string | null {
  return zone === 'UTC' ? null : zone;
}

/** Zones offered by the chooser: UTC, this computer's zone, then every IANA zone known. */
export function zoneChoices(all: readonly string[], local: string | null): string[] {
  const out = ['UTC'];
  if (local && local !== 'UTC') out.push(local);
  for (const z of all) if (!out.includes(z)) out.push(z);
  return out;
}

/** Rows picked for annotating together: their ids, and the row index a shift-click extends from. */
export type Picked = { ids: ReadonlySet<number>; anchor: number | null };

export const NOTHING_PICKED: Picked = { ids: new Set(), anchor: null };

/**
 * The picked rows after a click on row `index` (id `id`). A plain click picks nothing (it
 * opens the event); ctrl/cmd toggles the row, keeping `current` (the open event) picked when
 * it starts a selection; shift adds every loaded row from the anchor to `index` (`idAt`
 * gives the id of a loaded row, undefined for one not fetched yet).
 */
export function pick(
  picked: Picked,
  click: { index: number; id: number; ctrl: boolean; shift: boolean },
  current: { index: number; id: number } | null,
  idAt: (index: number) => number | undefined,
): Picked {
  if (click.shift) {
    const anchor = picked.anchor ?? current?.index ?? click.index;
    const ids = new Set(picked.ids);
    const [a, b] = anchor <= click.index ? [anchor, click.index] : [click.index, anchor];
    for (let i = a; i <= b; i++) {
      const id = idAt(i);
      if (id !== undefined) ids.add(id);
    }
    return { ids, anchor };
  }
  if (click.ctrl) {
    const ids = new Set(picked.ids);
    if (ids.size === 0 && current && current.id !== click.id) ids.add(current.id);
    if (ids.has(click.id)) ids.delete(click.id);
    else ids.add(click.id);
    return { ids, anchor: click.index };
  }
  return { ids: new Set(), anchor: click.index };
}
