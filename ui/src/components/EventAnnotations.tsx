// The event drawer's annotation section: star, tags, verdict, note and any clock offset.
// (Changes are made from the annotation bar above the table, on the same selected row.)

import type { EventDetail } from '../api/types';

export function EventAnnotations({ d }: { d: EventDetail }) {
  const tags = d.tags ?? [];
  const none = !d.starred && tags.length === 0 && !d.verdict && !d.note && d.clock_offset_us == null;
  return (
    <div id="event-annotations">
      <h3>Annotations</h3>
      {none ? (
        <p className="muted">None. Select the row and press s (star), t (tag) or n (note).</p>
      ) : (
        <table className="kv">
          <tbody>
            {d.starred && (
              <tr>
                <th scope="row">starred</th>
                <td>★</td>
              </tr>
            )}
            {tags.length > 0 && (
              <tr>
                <th scope="row">tags</th>
                <td>{tags.join(', ')}</td>
              </tr>
            )}
            {d.verdict && (
              <tr>
                <th scope="row">verdict</th>
                <td>{d.verdict}</td>
              </tr>
            )}
            {d.note && (
              <tr>
                <th scope="row">note</th>
                <td>{d.note}</td>
              </tr>
            )}
            {d.clock_offset_us != null && (
              <tr>
                <th scope="row">clock offset</th>
                <td className="mono">{(d.clock_offset_us / 1_000_000).toFixed(6)} s applied to ts</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
