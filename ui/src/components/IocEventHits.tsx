// The "IOC hits" section of the event drawer: which indicators hit this event, in which
// fields (a canonical column, attrs.KEY, attrs or raw). Nothing is shown when there are none.

import { useEffect, useState } from 'react';
import * as api from '../api/api';
import type { EventIocHit } from '../api/types';

/** `version` changes when hits may have changed (a sweep): they are read again. */
type Props = { id: number; version?: string; onError: (err: unknown) => void };

export function IocEventHits({ id, version = '', onError }: Props) {
  const [hits, setHits] = useState<{ id: number; hits: EventIocHit[] } | null>(null);

  useEffect(() => {
    let live = true;
    api.eventIocHits(id).then(
      (h) => live && setHits({ id, hits: h }),
      (err: unknown) => live && onError(err),
    );
    return () => {
      live = false;
    };
  }, [id, version, onError]);

  if (hits === null || hits.id !== id || hits.hits.length === 0) return null;
  // One row per indicator, its fields joined.
  const byIndicator = new Map<number, { hit: EventIocHit; fields: string[] }>();
  for (const h of hits.hits) {
    const row = byIndicator.get(h.indicator_id) ?? { hit: h, fields: [] };
    row.fields.push(h.field);
    byIndicator.set(h.indicator_id, row);
  }
  return (
    <>
      <h3>IOC hits</h3>
      <table className="kv" id="event-ioc-hits">
        <tbody>
          {[...byIndicator.values()].map(({ hit, fields }) => (
            <tr key={hit.indicator_id}>
              <th scope="row">{hit.type}</th>
              <td className="mono">
                {hit.value} <span className="muted">in {fields.join(', ')}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
