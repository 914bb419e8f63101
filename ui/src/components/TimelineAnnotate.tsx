// Annotating the focused timeline row: star (s), tag (t), note (n), verdict. Keys are
// handled by the table; this bar shows the row's annotations and the tag/note input.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import * as api from '../api/api';
import type { AnnotationChange, EventRow } from '../api/types';

export type AnnotateMode = 'tag' | 'note' | null;

type Props = {
  row: EventRow | null;
  mode: AnnotateMode;
  onMode: (mode: AnnotateMode) => void;
  /** Called after a change was stored (the table then refetches). */
  onChanged: () => void;
  onError: (err: unknown) => void;
  /** Gives focus back to the table. */
  onDone: () => void;
};

/** Applies `change` to one event. */
export async function annotateRow(row: EventRow, change: AnnotationChange): Promise<void> {
  await api.annotateEvents([row.id], change);
}

export function TimelineAnnotate({ row, mode, onMode, onChanged, onError, onDone }: Props) {
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (mode !== null) {
      setText(mode === 'note' ? (row?.note ?? '') : '');
      input.current?.focus();
    }
  }, [mode, row]);

  if (!row) return <div className="tl-annotate muted">Select a row: s star · t tag · n note · ctrl/shift-click picks several</div>;

  const apply = (change: AnnotationChange) =>
    annotateRow(row, change).then(onChanged, onError);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const value = text.trim();
      if (mode === 'tag' && value !== '') void apply({ kind: 'tag', tag: value });
      if (mode === 'note') void apply({ kind: 'note', note: value === '' ? null : value });
      onMode(null);
      onDone();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onMode(null);
      onDone();
    }
  };

  return (
    <div className="tl-annotate" id="tl-annotate">
      <span className="muted">Event {row.id}:</span>
      <button type="button" id="ann-star" onClick={() => void apply({ kind: row.starred ? 'unstar' : 'star' })}>
        {row.starred ? '★ Unstar' : '☆ Star'} (s)
      </button>
      {(row.tags ?? []).map((t) => (
        <button key={t} type="button" className="tag-chip" title="Remove this tag" onClick={() => void apply({ kind: 'untag', tag: t })}>
          {t} ×
        </button>
      ))}
      <select
        id="ann-verdict"
        aria-label="Verdict"
        value={row.verdict ?? ''}
        onChange={(e) => {
          const v = e.target.value;
          void apply({ kind: 'verdict', verdict: v === '' ? null : (v as 'benign' | 'suspicious' | 'malicious') });
        }}
      >
        <option value="">no verdict</option>
        <option value="benign">benign</option>
        <option value="suspicious">suspicious</option>
        <option value="malicious">malicious</option>
      </select>
      {mode !== null ? (
        <input
          id="ann-input"
          ref={input}
          value={text}
          placeholder={mode === 'tag' ? 'tag, then Enter' : 'note, then Enter (empty clears)'}
          aria-label={mode === 'tag' ? 'New tag' : 'Note'}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
      ) : (
        <>
          <button type="button" id="ann-tag" onClick={() => onMode('tag')}>
            + Tag (t)
          </button>
          <button type="button" id="ann-note" onClick={() => onMode('note')}>
            Note (n)
          </button>
          {row.note && <span className="ann-note" title={row.note}>“{row.note}”</span>}
        </>
      )}
    </div>
  );
}
