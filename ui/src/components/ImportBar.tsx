// Import of one evidence file: a path (typed or picked with Browse…), Import, and while it runs
// a progress bar fed by `import-progress` events with a Cancel button. Afterwards a one-line
// summary. A cancelled import is not an error: Rust leaves the case unchanged, and we say so.

import { useState, type FormEvent } from 'react';
import * as api from '../api/api';
import { isCancelled, toApiError, type ApiError } from '../api/errors';
import type { ImportProgress, ImportSummary } from '../api/types';
import { formatBytes, formatTs, importSummaryLine, plural, progressFraction } from '../lib/format';

type Props = {
  /** Called after a successful import, to refresh the case and the timeline. */
  onImported: (summary: ImportSummary) => void;
  onError: (err: ApiError | null) => void;
};

type Phase = 'idle' | 'importing' | 'cancelling';

export function ImportBar({ onImported, onError }: Props) {
  const [path, setPath] = useState('');
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const browse = async () => {
    try {
      const picked = await api.pickEvidenceFile();
      if (picked !== null) setPath(picked);
    } catch (err) {
      onError(toApiError(err));
    }
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const file = path.trim();
    if (file === '' || phase !== 'idle') return;
    onError(null);
    setSummary(null);
    setNote(null);
    setProgress(null);
    setPhase('importing');
    try {
      const done = await api.importEvidence(file, setProgress);
      setSummary(done);
      onImported(done);
    } catch (err) {
      if (isCancelled(err)) setNote('Import cancelled; the case is unchanged.');
      else onError(toApiError(err));
    } finally {
      setPhase('idle');
      setProgress(null);
    }
  };

  const cancel = async () => {
    setPhase('cancelling');
    try {
      await api.cancelImport();
    } catch (err) {
      onError(toApiError(err));
    }
  };

  const running = phase !== 'idle';
  const fraction = progress ? progressFraction(progress.bytes_done, progress.bytes_total) : null;

  return (
    <section className="import-bar" aria-label="Import evidence">
      <form className="import-form" onSubmit={start}>
        <label htmlFor="import-path">Evidence file</label>
        <input
          id="import-path"
          className="mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/auth.log"
          spellCheck={false}
          autoComplete="off"
          disabled={running}
        />
        <button type="button" onClick={browse} disabled={running}>
          Browse…
        </button>
        <button type="submit" id="import-btn" disabled={running || path.trim() === ''}>
          Import
        </button>
      </form>
      {running && (
        <div className="import-running" role="status">
          <progress id="import-progress" max={1} value={fraction ?? undefined} />
          <span className="import-counts">
            {fraction === null ? 'Starting…' : `${(fraction * 100).toFixed(0)}%`}
            {progress &&
              ` · ${formatBytes(progress.bytes_done)} of ${formatBytes(progress.bytes_total)} · ${plural(progress.events, 'event')}, ${plural(progress.issues, 'issue')} so far`}
          </span>
          <button type="button" id="import-cancel" onClick={cancel} disabled={phase === 'cancelling'}>
            {phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {!running && summary && (
        <p className="import-result">
          <span id="import-summary">{importSummaryLine(summary)}</span>
          <span className="muted">
            {' '}
            · format {summary.format ?? 'unknown'}
            {summary.first_ts !== null && ` · ${formatTs(summary.first_ts)} → ${formatTs(summary.last_ts)} UTC`}
          </span>
        </p>
      )}
      {!running && note && (
        <p id="import-note" className="import-result muted" role="status">
          {note}
        </p>
      )}
    </section>
  );
}
