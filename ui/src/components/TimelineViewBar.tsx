// The line under the histogram that sets how the table is shown: its sort (set by clicking a
// column header; shown and reset here), jump to a time (typed in the display zone), the
// display zone (remembered), and the button that opens bulk annotation.

import { useMemo, useState, type FormEvent } from 'react';
import { zoneChoices, type SortSpec } from '../lib/timelineView';

type Props = {
  sort: SortSpec;
  sortLabel: string | null;
  onResetSort: () => void;
  zone: string;
  onZone: (zone: string) => void;
  /** Jump to the first event at or after the typed time. */
  onJump: (at: string) => void;
  bulkOpen: boolean;
  onBulk: () => void;
};

/** Offered when the web view cannot list its zones (Intl.supportedValuesOf is missing). */
const COMMON_ZONES = [
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Amsterdam',
  'Europe/Zurich',
  'Europe/Warsaw',
  'Europe/Helsinki',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
];

function knownZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  let all: string[] = [];
  try {
    all = intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    all = [];
  }
  let local: string | null = null;
  try {
    local = Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    local = null;
  }
  return zoneChoices(all.length > 0 ? all : COMMON_ZONES, local);
}

export function TimelineViewBar({ sort, sortLabel, onResetSort, zone, onZone, onJump, bulkOpen, onBulk }: Props) {
  const [at, setAt] = useState('');
  const zones = useMemo(() => {
    const z = knownZones();
    return z.includes(zone) ? z : [...z, zone];
  }, [zone]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (at.trim() !== '') onJump(at.trim());
  };
  return (
    <div className="tl-viewbar">
      <span id="tl-sort" className="tl-sort">
        {sort === null ? (
          <span className="muted" title="Click a column header to sort by it">
            Time order
          </span>
        ) : (
          <>
            <span title={sort.startsWith('-') ? 'descending' : 'ascending'}>
              By {sortLabel ?? sort.replace(/^-/, '')} {sort.startsWith('-') ? '▼' : '▲'}
            </span>{' '}
            <button type="button" id="sort-reset" onClick={onResetSort}>
              Time order
            </button>
          </>
        )}
      </span>
      <form className="tl-jump" onSubmit={submit}>
        <label htmlFor="tl-jump">Jump to</label>
        <input
          id="tl-jump"
          className="mono"
          value={at}
          placeholder="2026-03-14 02:40"
          spellCheck={false}
          autoComplete="off"
          title={`A time in ${zone} (or RFC 3339 with an offset); the table scrolls to the first event at or after it`}
          onChange={(e) => setAt(e.target.value)}
        />
        <button type="submit" id="tl-jump-go">
          Go
        </button>
      </form>
      <label className="tl-zone">
        Zone{' '}
        <select id="tl-zone" value={zone} onChange={(e) => onZone(e.target.value)}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <span className="spacer" />
      <button type="button" id="bulk-open" aria-pressed={bulkOpen} onClick={onBulk}>
        Annotate many…
      </button>
    </div>
  );
}
