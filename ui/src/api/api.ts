// The UI's only door to Rust: typed wrappers over the Tauri commands, the import-progress event,
// files dropped on the window and the native file dialogs. Nothing outside src/api/ imports @tauri-apps/*. Every function
// rejects with ApiError only.

import { invoke, isTauri } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open, save } from '@tauri-apps/plugin-dialog';
import { ApiError, NO_BACKEND, toApiError } from './errors';
import type {
  CaseInfo,
  EventDetail,
  ImportChoices,
  ImportProgress,
  ImportReport,
  IssuePage,
  ReportWritten,
  TimelinePage,
  TimelineQuery,
  IndicatorInfo,
  IocImportReport,
  IocSweepReport,
  EventIocHit,
} from './types';

export { ApiError, isCancelled, NO_BACKEND, CANCELLED } from './errors';
export type * from './types';

const CASE_FILTER = { name: 'Tideline case', extensions: ['tideline'] };
const REPORT_FILTER = { name: 'HTML report', extensions: ['html'] };

function requireBackend(): void {
  if (!isTauri()) {
    throw new ApiError(
      NO_BACKEND,
      'The Tideline backend is not available: this page is running outside the desktop app, so no case can be opened.',
    );
  }
}

/** Invoke one Tauri command; rejects with ApiError only (also used by api/incident.ts). */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    requireBackend();
    return await invoke<T>(command, args);
  } catch (err) {
    throw toApiError(err);
  }
}

/** The open case, or null when none is open. */
export function caseInfo(): Promise<CaseInfo | null> {
  return call<CaseInfo | null>('case_info');
}

export function openCase(path: string): Promise<CaseInfo> {
  return call<CaseInfo>('open_case', { path });
}

export function createCase(path: string, title: string): Promise<CaseInfo> {
  return call<CaseInfo>('create_case', { path, title });
}

/**
 * Import files, folders and zip archives into the open case, in one transaction. `onProgress`
 * receives every `import-progress` event emitted while this import runs. Rejects with code
 * "cancelled" after `cancelImport` (the whole batch is undone).
 */
export async function importEvidence(
  paths: string[],
  choices: ImportChoices,
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportReport> {
  let unlisten: (() => void) | undefined;
  try {
    requireBackend();
    unlisten = await listen<ImportProgress>('import-progress', (event) => onProgress(event.payload));
    return await invoke<ImportReport>('import_evidence', { paths, choices });
  } catch (err) {
    throw toApiError(err);
  } finally {
    // UnlistenFn is typed `() => void` but is async in @tauri-apps/api 2; a failed unlisten
    // (window closing) must not become an unhandled rejection.
    if (unlisten) Promise.resolve(unlisten()).catch(() => undefined);
  }
}

/** A page of import issues, of one evidence item or (null) of the whole case. */
export function importIssues(evidenceId: number | null, offset: number, limit: number): Promise<IssuePage> {
  return call<IssuePage>('import_issues', { evidenceId, offset, limit });
}

export async function cancelImport(): Promise<void> {
  await call<null>('cancel_import');
}

export function timelinePage(query: TimelineQuery): Promise<TimelinePage> {
  return call<TimelinePage>('timeline_page', { query });
}

export function eventDetail(id: number): Promise<EventDetail> {
  return call<EventDetail>('event_detail', { id });
}

/** Write the self-contained HTML report to `path`. */
export function writeReport(path: string): Promise<ReportWritten> {
  return call<ReportWritten>('write_report', { path });
}

async function dialog<T>(show: () => Promise<T>): Promise<T> {
  try {
    requireBackend();
    return await show();
  } catch (err) {
    throw toApiError(err);
  }
}

function single(picked: string | string[] | null): string | null {
  return Array.isArray(picked) ? (picked[0] ?? null) : picked;
}

/** File picker for evidence files (several allowed); null when the user cancels. */
export function pickEvidenceFiles(): Promise<string[] | null> {
  return dialog(async () => {
    const picked = await open({ title: 'Choose evidence to import', multiple: true, directory: false });
    if (picked === null) return null;
    return Array.isArray(picked) ? picked : [picked];
  });
}

/** Folder picker for a directory of evidence; null when the user cancels. */
export function pickEvidenceFolder(): Promise<string | null> {
  return dialog(async () =>
    single(await open({ title: 'Choose a folder of evidence to import', multiple: false, directory: true })),
  );
}

/** File picker for an existing case file; null when the user cancels. */
export function pickCaseFile(): Promise<string | null> {
  return dialog(async () =>
    single(
      await open({ title: 'Open case', multiple: false, directory: false, filters: [CASE_FILTER] }),
    ),
  );
}

/** Save dialog for a new case file; null when the user cancels. */
export function pickNewCasePath(defaultName: string): Promise<string | null> {
  return dialog(() => save({ title: 'New case', defaultPath: defaultName, filters: [CASE_FILTER] }));
}

/** Save dialog for the HTML report; null when the user cancels. */
export function pickReportPath(defaultName: string): Promise<string | null> {
  return dialog(() =>
    save({ title: 'Write report', defaultPath: defaultName, filters: [REPORT_FILTER] }),
  );
}

/** Files dragged over or dropped on the window, as the app's own shape. */
export type FileDrop =
  | { type: 'enter'; paths: string[] }
  | { type: 'over' }
  | { type: 'drop'; paths: string[] }
  | { type: 'leave' };

/**
 * Calls `handler` while files are dragged over the window and when they are dropped. Resolves
 * to the function that stops listening; outside the desktop app nothing is ever dropped, so
 * it resolves to a no-op.
 */
export async function onFileDrop(handler: (drop: FileDrop) => void): Promise<() => void> {
  if (!isTauri()) return () => undefined;
  try {
    const unlisten = await getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === 'enter' || p.type === 'drop') handler({ type: p.type, paths: p.paths });
      else handler({ type: p.type });
    });
    return () => {
      Promise.resolve(unlisten()).catch(() => undefined);
    };
  } catch (err) {
    throw toApiError(err);
  }
}

/** Import an indicator list (text, CSV, STIX 2.1, MISP JSON) into the open case. */
export function iocImport(path: string): Promise<IocImportReport> {
  return call<IocImportReport>('ioc_import', { path });
}

export function iocList(): Promise<IndicatorInfo[]> {
  return call<IndicatorInfo[]>('ioc_list');
}

/** Sweep every indicator over every event and store the hits. */
export function iocSweep(): Promise<IocSweepReport> {
  return call<IocSweepReport>('ioc_sweep');
}

export function eventIocHits(id: number): Promise<EventIocHit[]> {
  return call<EventIocHit[]>('event_ioc_hits', { id });
}

export async function pickIocList(): Promise<string | null> {
  try {
    requireBackend();
    const picked = await open({
      title: 'Choose an indicator list',
      multiple: false,
      directory: false,
      filters: [{ name: 'Indicator list', extensions: ['txt', 'csv', 'json', 'ioc'] }, { name: 'All files', extensions: ['*'] }],
    });
    return typeof picked === 'string' ? picked : null;
  } catch (err) {
    throw toApiError(err);
  }
}
