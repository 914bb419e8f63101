// The one window: header, then either the empty state or the workspace (import bar, evidence,
// timeline, event drawer). Owns the open case, the applied filter, the selected event and the
// error/notice lines; components report failures here as ApiError.

import { useCallback, useEffect, useState } from 'react';
import * as api from './api/api';
import { ApiError, type CaseInfo } from './api/api';
import { toApiError } from './api/errors';
import { EMPTY_FILTER, type TimelineFilter } from './lib/query';
import { baseName, fileSlug, formatBytes } from './lib/format';
import { Header } from './components/Header';
import { Messages } from './components/Messages';
import { EmptyState } from './components/EmptyState';
import { ImportBar } from './components/ImportBar';
import { EvidencePanel } from './components/EvidencePanel';
import { Timeline } from './components/Timeline';
import { TimelineFilters } from './components/TimelineFilters';
import { EventDrawer } from './components/EventDrawer';

type CaseState =
  | { kind: 'loading' }
  | { kind: 'ready'; info: CaseInfo | null }
  | { kind: 'failed'; error: ApiError };

export function App() {
  const [caseState, setCaseState] = useState<CaseState>({ kind: 'loading' });
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [filter, setFilter] = useState<TimelineFilter>(EMPTY_FILTER);
  const [dataVersion, setDataVersion] = useState(0);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const reportError = useCallback((err: unknown) => setError(toApiError(err)), []);

  useEffect(() => {
    let live = true;
    api.caseInfo().then(
      (info) => live && setCaseState({ kind: 'ready', info }),
      (err: unknown) => {
        if (!live) return;
        const apiErr = toApiError(err);
        setCaseState({ kind: 'failed', error: apiErr });
        setError(apiErr);
      },
    );
    return () => {
      live = false;
    };
  }, []);

  /** A case was opened, created or changed: show it and start the timeline afresh. */
  const showCase = useCallback((info: CaseInfo | null) => {
    setCaseState({ kind: 'ready', info });
    setDataVersion((v) => v + 1);
    setSelectedId(null);
  }, []);

  /** Run one header action: clears old messages, reports failures, blocks double clicks. */
  const run = useCallback(
    async (action: () => Promise<boolean>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        return await action();
      } catch (err) {
        reportError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [reportError],
  );

  const info = caseState.kind === 'ready' ? caseState.info : null;

  const newCase = (title: string) =>
    run(async () => {
      const picked = await api.pickNewCasePath(`${fileSlug(title)}.tideline`);
      if (picked === null) return false;
      const path = /\.tideline$/i.test(picked) ? picked : `${picked}.tideline`;
      showCase(await api.createCase(path, title));
      setNotice(`Created case "${title}" at ${path}`);
      return true;
    });

  const openCase = () =>
    run(async () => {
      const path = await api.pickCaseFile();
      if (path === null) return false;
      const opened = await api.openCase(path);
      showCase(opened);
      setNotice(`Opened ${baseName(opened.path)}`);
      return true;
    });

  const writeReport = () =>
    run(async () => {
      if (!info) return false;
      const path = await api.pickReportPath(`${fileSlug(info.title)}-report.html`);
      if (path === null) return false;
      const written = await api.writeReport(path);
      setNotice(`Report written to ${written.path} (${formatBytes(written.bytes)}), sha256 ${written.sha256}`);
      return true;
    });

  const refreshCase = useCallback(async () => {
    try {
      showCase(await api.caseInfo());
    } catch (err) {
      reportError(err);
    }
  }, [showCase, reportError]);

  useEffect(() => {
    if (selectedId === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setSelectedId(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [selectedId]);

  return (
    <div className="app">
      <Header
        info={info}
        busy={busy}
        onNewCase={newCase}
        onOpenCase={openCase}
        onWriteReport={writeReport}
      />
      <Messages error={error} notice={notice} onDismissError={() => setError(null)} onDismissNotice={() => setNotice(null)} />
      {info ? (
        <main className="workspace">
          <ImportBar onImported={refreshCase} onError={setError} />
          <EvidencePanel evidence={info.evidence} sources={info.sources} />
          <section className={selectedId === null ? 'timeline-area' : 'timeline-area with-drawer'}>
            <Timeline
              filter={filter}
              dataVersion={dataVersion}
              selectedId={selectedId}
              onOpen={setSelectedId}
              onError={reportError}
              toolbar={<TimelineFilters onApply={setFilter} />}
            />
            {selectedId !== null && (
              <EventDrawer id={selectedId} onClose={() => setSelectedId(null)} onError={reportError} />
            )}
          </section>
        </main>
      ) : (
        <EmptyState
          loading={caseState.kind === 'loading'}
          failure={caseState.kind === 'failed' ? caseState.error : null}
          busy={busy}
          onOpenCase={openCase}
        />
      )}
    </div>
  );
}
