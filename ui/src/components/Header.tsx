// Top bar: the open case (title, phase/status/severity, counts, sealed) and the case-level
// actions: New case… (asks for a title, then a save location), Open case…, Write report…; and
// the switch between the Timeline and the incident Dashboard.

import { useState, type FormEvent } from 'react';
import type { CaseInfo } from '../api/types';
import { formatTs, plural } from '../lib/format';

type Props = {
  info: CaseInfo | null;
  busy: boolean;
  /** Resolves true once the case is created; false keeps the title form open. */
  onNewCase: (title: string) => Promise<boolean>;
  onOpenCase: () => void;
  onWriteReport: () => void;
  /** Which view of the open case is shown, and how to switch. */
  view?: 'timeline' | 'dashboard' | 'reports';
  onView?: (view: 'timeline' | 'dashboard' | 'reports') => void;
};

export function Header({ info, busy, onNewCase, onOpenCase, onWriteReport, view, onView }: Props) {
  const [askingTitle, setAskingTitle] = useState(false);
  const [title, setTitle] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (t === '') return;
    if (await onNewCase(t)) {
      setAskingTitle(false);
      setTitle('');
    }
  };

  return (
    <header className="header">
      <div className="case-id">
        <span className="brand">Tideline</span>
        {info ? (
          <>
            <h1 className="case-title" title={info.path}>
              {info.title}
            </h1>
            <span className="badge" title="Phase">{info.phase}</span>
            <span className="badge" title="Status">{info.status}</span>
            <span className={`badge severity severity-${info.severity.toLowerCase()}`} title="Severity">
              {info.severity}
            </span>
            {info.sealed_at !== null && (
              <span className="badge sealed" title={`Sealed ${formatTs(info.sealed_at)} UTC`}>
                sealed
              </span>
            )}
            <span className="counts">
              {plural(info.events, 'event')} · {plural(info.issues, 'issue')}
            </span>
            {view && onView && (
              <span className="view-switch" role="group" aria-label="View">
                <button type="button" id="view-timeline" className={view === 'timeline' ? 'current' : undefined} onClick={() => onView('timeline')}>
                  Timeline
                </button>
                <button type="button" id="view-dashboard" className={view === 'dashboard' ? 'current' : undefined} onClick={() => onView('dashboard')}>
                  Dashboard
                </button>
                <button type="button" id="view-reports" className={view === 'reports' ? 'current' : undefined} onClick={() => onView('reports')}>
                  Reports
                </button>
              </span>
            )}
          </>
        ) : (
          <h1 className="case-title muted">No case open</h1>
        )}
      </div>
      <div className="actions">
        {askingTitle ? (
          <form className="new-case" onSubmit={submit}>
            <label>
              Case title{' '}
              <input
                id="new-case-title"
                value={title}
                onChange={(e) => setTitle(e.target.value)}
                autoFocus
                required
                placeholder="e.g. VPN credential stuffing, March 2026"
              />
            </label>
            <button type="submit" disabled={busy || title.trim() === ''}>
              Choose file & create…
            </button>
            <button type="button" onClick={() => setAskingTitle(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" id="new-case-btn" disabled={busy} onClick={() => setAskingTitle(true)}>
            New case…
          </button>
        )}
        <button type="button" id="open-case-btn" disabled={busy} onClick={onOpenCase}>
          Open case…
        </button>
        <button type="button" id="report-btn" disabled={busy || info === null} onClick={onWriteReport}>
          Write report…
        </button>
      </div>
    </header>
  );
}
