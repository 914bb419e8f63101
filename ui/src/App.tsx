// The one window: header, then either the empty state or the workspace (import bar, import
// issues, evidence, timeline, and beside it the event or issue drawer) or the incident dashboard. Owns the open case, the
// applied filter, the open drawer, which import issues are listed, and the error/notice lines;
// components report failures here as ApiError.

import { useCallback, useEffect, useState } from 'react';
import * as api from './api/api';
import { ApiError, type CaseInfo, type EvidenceInfo, type ImportReport, type ImportSummary, type IssueInfo } from './api/api';
import { toApiError } from './api/errors';
import { baseName, fileSlug, formatBytes, formatTs } from './lib/format';
import { Header } from './components/Header';
import { Messages } from './components/Messages';
import { EmptyState } from './components/EmptyState';
import { ImportBar } from './components/ImportBar';
import { EvidencePanel } from './components/EvidencePanel';
import { Timeline } from './components/Timeline';
import { EventDrawer } from './components/EventDrawer';
import { ImportIssues, type IssueScope } from './components/ImportIssues';
import { IssueDrawer } from './components/IssueDrawer';
import { ReportsView } from './components/ReportsView';
import { IncidentDashboard } from './components/IncidentDashboard';
import type { Milestone } from './api/incident';
import { IocPanel } from './components/IocPanel';
import type { IndicatorInfo } from './api/types';
import { loadZone, saveZone } from './lib/timelineView';

type CaseState =
  | { kind: 'loading' }
  | { kind: 'ready'; info: CaseInfo | null }
  | { kind: 'failed'; error: ApiError };

/** The side panel beside the timeline: one event, or one import issue. */
type Drawer = { kind: 'event'; id: number } | { kind: 'issue'; issue: IssueInfo } | null;

function itemScope(title: string, evidenceId: number, count: number): IssueScope {
  return { title, parts: [{ evidenceId, count }] };
}

export function App() {
  const [caseState, setCaseState] = useState<CaseState>({ kind: 'loading' });
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dataVersion, setDataVersion] = useState(0);
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [issueScope, setIssueScope] = useState<IssueScope | null>(null);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<'timeline' | 'dashboard' | 'reports'>('timeline');
  const [iocFilter, setIocFilter] = useState<IndicatorInfo | null>(null);
  const [zone, setZone] = useState(() => loadZone(window.localStorage));
  /** Bumped after annotations from the table: the open event drawer re-reads its event. */
  const [annotated, setAnnotated] = useState(0);
  const chooseZone = useCallback((z: string) => {
    setZone(z);
    saveZone(window.localStorage, z);
  }, []);
  const onAnnotated = useCallback(() => setAnnotated((v) => v + 1), []);

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
    setDrawer(null);
    setIocFilter(null);
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
      setIssueScope(null);
      setNotice(`Created case "${title}" at ${path}`);
      return true;
    });

  const openCase = () =>
    run(async () => {
      const path = await api.pickCaseFile();
      if (path === null) return false;
      const opened = await api.openCase(path);
      showCase(opened);
      setIssueScope(null);
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

  /** After an import: list the issues of the items it brought in, and refresh the case. */
  const imported = useCallback(
    (report: ImportReport) => {
      const parts = report.imported
        .filter((s) => s.issues > 0)
        .map((s) => ({ evidenceId: s.evidence_id, count: s.issues }));
      const only = report.imported.length === 1 ? report.imported[0] : undefined;
      const title = only ? `Issues in ${baseName(only.path)}` : 'Issues of the last import';
      setIssueScope(parts.length > 0 ? { title, parts } : null);
      void refreshCase();
    },
    [refreshCase],
  );

  const showItemIssues = useCallback((item: ImportSummary) => {
    setIssueScope(itemScope(`Issues in ${baseName(item.path)}`, item.evidence_id, item.issues));
  }, []);

  const showEvidenceIssues = useCallback((ev: EvidenceInfo) => {
    setIssueScope(itemScope(`Issues in ${ev.file_name}`, ev.id, ev.issues));
  }, []);

  const closeIssues = useCallback(() => {
    setIssueScope(null);
    setDrawer((d) => (d?.kind === 'issue' ? null : d));
  }, []);

  const openIssue = useCallback((issue: IssueInfo) => setDrawer({ kind: 'issue', issue }), []);
  const openEvent = useCallback((id: number) => setDrawer({ kind: 'event', id }), []);
  const closeDrawer = useCallback(() => setDrawer(null), []);

  const milestoneSet = useCallback(
    (m: Milestone) => setNotice(`Milestone ${m.kind} set to ${formatTs(m.at)} UTC from event #${m.event_id ?? '?'}`),
    [],
  );

  const drawerOpen = drawer !== null;
  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setDrawer(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  return (
    <div className="app">
      <Header
        info={info}
        busy={busy}
        onNewCase={newCase}
        onOpenCase={openCase}
        onWriteReport={writeReport}
        view={view}
        onView={setView}
      />
      <Messages error={error} notice={notice} onDismissError={() => setError(null)} onDismissNotice={() => setNotice(null)} />
      {info && view === 'reports' ? (
        <ReportsView dataVersion={dataVersion} onError={reportError} onNotice={setNotice} />
      ) : info && view === 'dashboard' ? (
        <IncidentDashboard dataVersion={dataVersion} onDetailsChanged={refreshCase} onError={reportError} onNotice={setNotice} />
      ) : info ? (
        <main className="workspace">
          <ImportBar onImported={imported} onShowIssues={showItemIssues} onError={setError} />
          {issueScope && (
            <ImportIssues
              key={`${issueScope.title}:${JSON.stringify(issueScope.parts)}`}
              scope={issueScope}
              selectedId={drawer?.kind === 'issue' ? drawer.issue.id : null}
              onOpen={openIssue}
              onClose={closeIssues}
              onError={reportError}
            />
          )}
          <EvidencePanel evidence={info.evidence} sources={info.sources} onShowIssues={showEvidenceIssues} />
          <IocPanel
            key={info.path}
            selectedId={iocFilter?.id ?? null}
            onSelect={setIocFilter}
            onSwept={() => setDataVersion((v) => v + 1)}
            onError={reportError}
          />
          <section className={drawer === null ? 'timeline-area' : 'timeline-area with-drawer'}>
            <Timeline
              dataVersion={dataVersion}
              selectedId={drawer?.kind === 'event' ? drawer.id : null}
              onOpen={openEvent}
              onError={reportError}
              onNotice={setNotice}
              preset={iocFilter ? `ioc:${iocFilter.id}` : null}
              zone={zone}
              onZone={chooseZone}
              onAnnotated={onAnnotated}
            />
            {drawer?.kind === 'event' && (
              <EventDrawer
                id={drawer.id}
                version={`${dataVersion}:${annotated}`}
                zone={zone}
                onOpen={openEvent}
                onClose={closeDrawer}
                onError={reportError}
                onMilestoneSet={milestoneSet}
              />
            )}
            {drawer?.kind === 'issue' && <IssueDrawer issue={drawer.issue} onClose={closeDrawer} />}
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
