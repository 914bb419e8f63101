// Annotating many events at once: the rows picked with ctrl/shift-click, or every event of
// the current query. One change (tag, untag, star, unstar, verdict) is chosen, then applied;
// for a whole query the count is shown first and must be confirmed, and the backend refuses
// when the query no longer matches that many events.

import { useState } from 'react';
import * as api from '../api/api';
import { annotateQuery } from '../api/timeline';
import type { AnnotationChange, TimelineQuery } from '../api/types';
import { formatCount, plural } from '../lib/format';

type Action = 'tag' | 'untag' | 'star' | 'unstar' | 'benign' | 'suspicious' | 'malicious' | 'no-verdict';

const ACTIONS: Array<[Action, string]> = [
  ['tag', 'Add tag'],
  ['untag', 'Remove tag'],
  ['star', 'Star'],
  ['unstar', 'Unstar'],
  ['benign', 'Verdict: benign'],
  ['suspicious', 'Verdict: suspicious'],
  ['malicious', 'Verdict: malicious'],
  ['no-verdict', 'Clear verdict'],
];

/** The change an action stands for; null when a tag is needed and none is given. */
export function changeOf(action: Action, tag: string): AnnotationChange | null {
  const t = tag.trim();
  switch (action) {
    case 'tag':
      return t === '' ? null : { kind: 'tag', tag: t };
    case 'untag':
      return t === '' ? null : { kind: 'untag', tag: t };
    case 'star':
      return { kind: 'star' };
    case 'unstar':
      return { kind: 'unstar' };
    case 'no-verdict':
      return { kind: 'verdict', verdict: null };
    default:
      return { kind: 'verdict', verdict: action };
  }
}

/** "tag c2", "star", "verdict malicious": what a confirmation says will happen. */
export function describeChange(c: AnnotationChange): string {
  switch (c.kind) {
    case 'tag':
      return `add the tag “${c.tag}” to`;
    case 'untag':
      return `remove the tag “${c.tag}” from`;
    case 'star':
      return 'star';
    case 'unstar':
      return 'unstar';
    case 'note':
      return 'set the note of';
    case 'verdict':
      return c.verdict === null ? 'clear the verdict of' : `set the verdict “${c.verdict}” on`;
  }
}

type Props = {
  /** Ids of the picked rows (the bar offers them when there are two or more). */
  picked: readonly number[];
  /** The view's query (its page is ignored) and how many events it matches. */
  query: TimelineQuery;
  total: number | null;
  onChanged: (message: string) => void;
  onClearPicked: () => void;
  onClose: () => void;
  onError: (err: unknown) => void;
};

export function TimelineBulk({ picked, query, total, onChanged, onClearPicked, onClose, onError }: Props) {
  const [action, setAction] = useState<Action>('tag');
  const [tag, setTag] = useState('');
  const [confirm, setConfirm] = useState<{ change: AnnotationChange; count: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const change = changeOf(action, tag);
  const needsTag = action === 'tag' || action === 'untag';

  const run = async (apply: () => Promise<{ events: number; changed: number }>, what: string) => {
    setBusy(true);
    try {
      const r = await apply();
      onChanged(`${what}: ${plural(r.events, 'event')}, ${formatCount(r.changed)} changed`);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const applyPicked = () => {
    if (!change) return;
    void run(() => api.annotateEvents([...picked], change), `Annotated the selected rows (${describeChange(change)})`);
  };

  const applyQuery = () => {
    if (!confirm) return;
    const { change: c, count } = confirm;
    setConfirm(null);
    void run(() => annotateQuery(query, count, c), `Annotated every event of the query (${describeChange(c)})`);
  };

  return (
    <div className="tl-bulk" id="tl-bulk" role="group" aria-label="Annotate many events">
      <span className="tl-bulk-what">
        {picked.length >= 2 ? `${plural(picked.length, 'row')} selected` : 'Annotate many:'}
      </span>
      <select id="bulk-action" aria-label="Change" value={action} onChange={(e) => setAction(e.target.value as Action)}>
        {ACTIONS.map(([a, label]) => (
          <option key={a} value={a}>
            {label}
          </option>
        ))}
      </select>
      {needsTag && (
        <input id="bulk-tag" value={tag} placeholder="tag" aria-label="Tag" onChange={(e) => setTag(e.target.value)} />
      )}
      {picked.length >= 2 && (
        <button type="button" id="bulk-apply" disabled={busy || change === null} onClick={applyPicked}>
          Apply to {formatCount(picked.length)} selected
        </button>
      )}
      {confirm === null ? (
        <button
          type="button"
          id="bulk-query"
          disabled={busy || change === null || !total}
          onClick={() => change && total && setConfirm({ change, count: total })}
        >
          Apply to all {total === null ? '…' : formatCount(total)} events of this query…
        </button>
      ) : (
        <span className="tl-bulk-confirm" id="bulk-confirm" role="alert">
          {`This will ${describeChange(confirm.change)} ${plural(confirm.count, 'event')} matching ${
            query.query === '' ? 'the whole timeline' : `“${query.query}”`
          }.`}{' '}
          <button type="button" id="bulk-confirm-yes" className="primary" disabled={busy} onClick={applyQuery}>
            Apply to {formatCount(confirm.count)} events
          </button>
          <button type="button" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </span>
      )}
      <span className="spacer" />
      {picked.length > 0 && (
        <button type="button" id="bulk-clear" onClick={onClearPicked}>
          Clear selection
        </button>
      )}
      <button type="button" className="dismiss" aria-label="Close bulk annotation" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
