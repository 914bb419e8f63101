// The UI's only door to Rust: typed wrappers over the Tauri commands, the import-progress event
// and the native file dialogs. Nothing outside src/api/ imports @tauri-apps/*. Every function
// rejects with ApiError only.

import { invoke, isTauri } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open, save } from '@tauri-apps/plugin-dialog';
import { ApiError, NO_BACKEND, toApiError } from './errors';
import type {
  CaseInfo,
  EventDetail,
  ImportProgress,
  ImportSummary,
  ReportWritten,
  TimelinePage,
  TimelineQuery,
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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
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
 * Import one evidence file into the open case. `onProgress` receives every `import-progress`
 * event emitted while this import runs. Rejects with code "cancelled" after `cancelImport`.
 */
export async function importEvidence(
  path: string,
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportSummary> {
  let unlisten: (() => void) | undefined;
  try {
    requireBackend();
    unlisten = await listen<ImportProgress>('import-progress', (event) => onProgress(event.payload));
    return await invoke<ImportSummary>('import_evidence', { path });
  } catch (err) {
    throw toApiError(err);
  } finally {
    // UnlistenFn is typed `() => void` but is async in @tauri-apps/api 2; a failed unlisten
    // (window closing) must not become an unhandled rejection.
    if (unlisten) Promise.resolve(unlisten()).catch(() => undefined);
  }
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

/** File picker for an evidence file; null when the user cancels. */
export function pickEvidenceFile(): Promise<string | null> {
  return dialog(async () =>
    single(await open({ title: 'Choose evidence to import', multiple: false, directory: false })),
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
