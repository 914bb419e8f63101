// Import of evidence: one or more paths (typed one per line or separated by ";", picked with
// Files… or Folder…, or dropped on the window), optional Year and Zone, Import. While it runs,
// a progress bar fed by `import-progress` events with a Cancel button. Afterwards a one-line
// summary, the imported items and the refused paths. A cancelled import is not an error: Rust
// undoes the whole batch, and we say so.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import * as api from '../api/api';
import { isCancelled, toApiError, type ApiError } from '../api/errors';
import type { ImportChoices, ImportProgress, ImportReport, ImportSummary } from '../api/types';
import { formatCount, formatTs, plural } from '../lib/format';
import {
  batchFraction,
  formatLabel,
  importReportLine,
  joinPaths,
  parseChoices,
  progressText,
  splitPaths,
} from '../lib/importText';
import { CopyText } from './CopyText';

type Props = {
  /** Called after an import that brought in at least one item, to refresh the case. */
  onImported: (report: ImportReport) => void;
  /** Show the issues of one imported item. */
  onShowIssues: (item: ImportSummary) => void;
  onError: (err: ApiError | null) => void;
};

type Phase = 'idle' | 'importing' | 'cancelling';

/** Files dragged over the window: how many (unknown while hovering on some platforms). */
type Dragging = { count: number | null } | null;

const MAX_ROWS = 4;

export function ImportBar({ onImported, onShowIssues, onError }: Props) {
  const [pathText, setPathText] = useState('');
  const [yearText, setYearText] = useState('');
  const [tzText, setTzText] = useState('');
  const [choiceError, setChoiceError] = useState<{ field: 'year' | 'tz'; message: string } | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [dragging, setDragging] = useState<Dragging>(null);
  const yearRef = useRef<HTMLInputElement>(null);
  const running = phase !== 'idle';

  const browseFiles = async () => {
    try {
      const picked = await api.pickEvidenceFiles();
      if (picked !== null && picked.length > 0) setPathText(joinPaths(picked));
    } catch (err) {
      onError(toApiError(err));
    }
  };

  const browseFolder = async () => {
    try {
      const picked = await api.pickEvidenceFolder();
      if (picked !== null) setPathText(picked);
    } catch (err) {
      onError(toApiError(err));
    }
  };

  const runImport = async (paths: string[]) => {
    if (paths.length === 0 || running) return;
    // A number field holds '' for text that is no number; say so rather than ignore it.
    const parsed = yearRef.current?.validity.badInput
      ? ({ ok: false, field: 'year', message: 'Year must be a four-digit year such as 2026.' } as const)
      : parseChoices(yearText, tzText);
    if (!parsed.ok) {
      setChoiceError({ field: parsed.field, message: parsed.message });
      return;
    }
    const choices: ImportChoices = parsed.choices;
    setChoiceError(null);
    onError(null);
    setReport(null);
    setNote(null);
    setProgress(null);
    setPhase('importing');
    try {
      const done = await api.importEvidence(paths, choices, setProgress);
      setReport(done);
      if (done.imported.length > 0) onImported(done);
    } catch (err) {
      if (isCancelled(err)) setNote('Import cancelled; the case is unchanged.');
      else onError(toApiError(err));
    } finally {
      setPhase('idle');
      setProgress(null);
    }
  };

  // The drop listener lives as long as the bar; it calls the latest runImport.
  const runRef = useRef(runImport);
  const runningRef = useRef(running);
  useEffect(() => {
    runRef.current = runImport;
    runningRef.current = running;
  });

  useEffect(() => {
    let live = true;
    let stop: (() => void) | null = null;
    api
      .onFileDrop((drop) => {
        switch (drop.type) {
          case 'enter':
            setDragging({ count: drop.paths.length > 0 ? drop.paths.length : null });
            break;
          case 'over':
            setDragging((d) => d ?? { count: null });
            break;
          case 'leave':
            setDragging(null);
            break;
          case 'drop':
            setDragging(null);
            if (drop.paths.length > 0 && !runningRef.current) {
              setPathText(joinPaths(drop.paths));
              void runRef.current(drop.paths);
            }
            break;
        }
      })
      .then(
        (unlisten) => {
          if (live) stop = unlisten;
          else unlisten();
        },
        (err: unknown) => live && onError(toApiError(err)),
      );
    return () => {
      live = false;
      stop?.();
    };
  }, [onError]);

  const start = (e?: FormEvent) => {
    e?.preventDefault();
    void runImport(splitPaths(pathText));
  };

  /** Enter imports; Shift+Enter starts a new line for another path. */
  const onPathKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      start();
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

  const paths = splitPaths(pathText);
  const rows = Math.min(Math.max(pathText.split('\n').length, 1), MAX_ROWS);
  const fraction = progress ? batchFraction(progress) : null;

  return (
    <section className="import-bar" aria-label="Import evidence">
      <form className="import-form" onSubmit={start}>
        <label htmlFor="import-path">Evidence</label>
        <textarea
          id="import-path"
          className="mono"
          value={pathText}
          rows={rows}
          onChange={(e) => setPathText(e.target.value)}
          onKeyDown={onPathKey}
          placeholder="/path/to/auth.log — files, folders or zip archives; one per line or separated by ;"
          title="One or more files, folders or zip archives: one per line (Shift+Enter) or separated by ;"
          spellCheck={false}
          autoComplete="off"
          disabled={running}
        />
        <button type="button" onClick={browseFiles} disabled={running}>
          Files…
        </button>
        <button type="button" onClick={browseFolder} disabled={running}>
          Folder…
        </button>
        <label className="import-choice" title="The year of year-less timestamps (syslog); empty: from each file's modification date">
          Year
          <input
            id="import-year"
            ref={yearRef}
            type="number"
            inputMode="numeric"
            min={1000}
            max={9999}
            step={1}
            value={yearText}
            onChange={(e) => setYearText(e.target.value)}
            placeholder="from file date"
            aria-invalid={choiceError?.field === 'year'}
            disabled={running}
          />
        </label>
        <label className="import-choice" title="The time zone of zone-less timestamps, an IANA name such as Europe/Berlin; empty: UTC">
          Zone
          <input
            id="import-tz"
            className="mono"
            value={tzText}
            onChange={(e) => setTzText(e.target.value)}
            placeholder="UTC"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={choiceError?.field === 'tz'}
            disabled={running}
          />
        </label>
        <button type="submit" id="import-btn" disabled={running || paths.length === 0}>
          {paths.length > 1 ? `Import ${formatCount(paths.length)}` : 'Import'}
        </button>
      </form>
      {choiceError && (
        <p className="field-error import-result" role="alert">
          {choiceError.message}
        </p>
      )}
      {running && (
        <div className="import-running" role="status">
          <progress id="import-progress" max={1} value={fraction ?? undefined} />
          <span className="import-counts" title={progress?.path}>
            {progress === null ? 'Starting…' : progressText(progress)}
          </span>
          <button type="button" id="import-cancel" onClick={cancel} disabled={phase === 'cancelling'}>
            {phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {!running && report && (
        <ImportResult report={report} onShowIssues={onShowIssues} onDismiss={() => setReport(null)} />
      )}
      {!running && note && (
        <p id="import-note" className="import-result muted" role="status">
          {note}
        </p>
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-target">
            {running
              ? 'An import is running; drop again when it has finished.'
              : dragging.count === null
                ? 'Drop files, folders or zip archives to import them'
                : `Drop to import ${plural(dragging.count, 'item')}`}
          </div>
        </div>
      )}
    </section>
  );
}

/** Earliest first_ts and latest last_ts of the imported items (RFC 3339 UTC sorts as text). */
function timeRange(items: ImportSummary[]): [string, string] | null {
  let first: string | null = null;
  let last: string | null = null;
  for (const s of items) {
    if (s.first_ts !== null && (first === null || s.first_ts < first)) first = s.first_ts;
    if (s.last_ts !== null && (last === null || s.last_ts > last)) last = s.last_ts;
  }
  return first !== null && last !== null ? [first, last] : null;
}

function ImportResult({
  report,
  onShowIssues,
  onDismiss,
}: {
  report: ImportReport;
  onShowIssues: (item: ImportSummary) => void;
  onDismiss: () => void;
}) {
  const range = timeRange(report.imported);
  return (
    <div className="import-report">
      <p className="import-result import-headline">
        <span>
          <span id="import-summary">{importReportLine(report)}</span>
          {range && <span className="muted"> · {formatTs(range[0])} → {formatTs(range[1])} UTC</span>}
        </span>
        <button type="button" className="dismiss" aria-label="Hide the import summary" onClick={onDismiss}>
          ×
        </button>
      </p>
      {report.imported.length > 0 && (
        <div className="import-files-wrap">
          <table id="import-files" className="evidence-table import-files">
            <thead>
              <tr>
                <th>Imported</th>
                <th>Format</th>
                <th className="num">Events</th>
                <th className="num">Issues</th>
                <th className="num">Skipped</th>
                <th>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {report.imported.map((s) => (
                <tr key={s.evidence_id}>
                  <td className="mono import-file-path" title={s.path}>
                    {s.path}
                  </td>
                  <td className={s.format === null ? 'muted' : undefined}>{formatLabel(s.format, s.gzip)}</td>
                  <td className="num">{formatCount(s.events)}</td>
                  <td className="num">
                    {s.issues > 0 ? (
                      <button
                        type="button"
                        className="link-button warn"
                        aria-label={`Show the ${plural(s.issues, 'issue')} of ${s.path}`}
                        onClick={() => onShowIssues(s)}
                      >
                        {formatCount(s.issues)}
                      </button>
                    ) : (
                      '0'
                    )}
                  </td>
                  <td className="num">{formatCount(s.skipped)}</td>
                  <td>
                    <CopyText value={s.sha256} label={`SHA-256 of ${s.path}`} compact />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report.refused.length > 0 && (
        <ul id="import-refused" className="import-refused" aria-label="Refused">
          {report.refused.map((r, i) => (
            <li key={`${i}:${r.path}`} className="warn" title={r.code}>
              <strong>Refused</strong> <span className="mono">{r.path}</span>: {r.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
