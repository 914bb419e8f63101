// "Around this event" in the event drawer: the events within a window before and after it,
// of any host, the same host or the same user, in time order (the engine's `around`). Times
// are shown in the display zone; a click opens that event in the drawer.

import { useEffect, useState } from 'react';
import { timelineAround, type AroundSame } from '../api/timeline';
import type { TimelinePage } from '../api/types';
import { orDash, plural } from '../lib/format';
import { formatZonedTs } from '../lib/timelineView';
import './EventAround.css';

const WINDOWS: Array<[number, string]> = [
  [10, '± 10 s'],
  [60, '± 1 min'],
  [300, '± 5 min'],
  [3600, '± 1 h'],
  [86_400, '± 1 day'],
];

const LIMIT = 200;

type Props = {
  id: number;
  version: string;
  zone: string;
  onOpen: (id: number) => void;
  onError: (err: unknown) => void;
};

export function EventAround({ id, version, zone, onOpen, onError }: Props) {
  const [seconds, setSeconds] = useState(300);
  const [same, setSame] = useState<AroundSame>('host');
  const [page, setPage] = useState<{ key: string; page: TimelinePage } | null>(null);
  const key = `${id}:${seconds}:${same}:${zone}:${version}`;

  useEffect(() => {
    let live = true;
    timelineAround(id, seconds, seconds, same, LIMIT, zone === 'UTC' ? null : zone).then(
      (p) => live && setPage({ key, page: p }),
      (err: unknown) => live && onError(err),
    );
    return () => {
      live = false;
    };
  }, [id, seconds, same, zone, key, onError]);

  const current = page?.key === key ? page.page : null;
  return (
    <section id="event-around">
      <h3>Around this event</h3>
      <div className="around-controls">
        <select id="around-window" aria-label="Window" value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
          {WINDOWS.map(([s, label]) => (
            <option key={s} value={s}>
              {label}
            </option>
          ))}
        </select>
        <select id="around-same" aria-label="Which events" value={same} onChange={(e) => setSame(e.target.value as AroundSame)}>
          <option value="host">same host</option>
          <option value="user">same user</option>
          <option value="any">any host or user</option>
        </select>
        <span id="around-count" className="muted">
          {current === null
            ? 'loading…'
            : current.total > current.rows.length
              ? `first ${current.rows.length} of ${plural(current.total, 'event')}`
              : plural(current.total, 'event')}
        </span>
      </div>
      {current !== null && current.rows.length > 0 && (
        <table className="around-list">
          <tbody>
            {current.rows.map((r) => (
              <tr
                key={r.id}
                data-id={r.id}
                className={r.id === id ? 'around-self' : undefined}
                tabIndex={0}
                onClick={() => r.id !== id && onOpen(r.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && r.id !== id) onOpen(r.id);
                }}
              >
                <td className="mono">{formatZonedTs(r.ts)}</td>
                <td>{same === 'user' ? orDash(r.host) : orDash(r.user)}</td>
                <td className="around-message" title={r.message}>
                  {r.message}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
