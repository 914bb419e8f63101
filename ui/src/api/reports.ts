// The Reports view's commands (issue #6): the lessons-learned preview, the incident charts,
// exports of every report kind (stored in the case with their SHA-256), notification drafts,
// the report status and the stored reports. Types mirror tideline::report and tideline::store.

import { save } from '@tauri-apps/plugin-dialog';

import { call } from './api';

export type DraftField = { label: string; value: string | null };

export type Draft = {
  kind: string;
  rule: string | null;
  title: string;
  recipient: string;
  reference: string;
  due: string | null;
  fields: DraftField[];
  gaps: string[];
  text: string;
};

export type ReportStatus = { status: string; authors: string[]; updated_by: string; updated_at: number };

export type ArchivedReport = {
  id: number;
  kind: string;
  format: string;
  regime: string | null;
  file_name: string;
  bytes: number;
  sha256: string;
  generated_by: string;
  generated_at: number;
};

export type ReportsInfo = { status: ReportStatus | null; archived: ArchivedReport[]; draft_kinds: string[] };

export type ChartSvg = { id: string; caption: string; svg: string };

export type ReportExported = {
  path: string;
  sha256: string;
  bytes: number;
  archived: ArchivedReport | null;
  not_archived: string | null;
};

export type ReportKind = 'lessons' | 'followups' | 'notification' | 'case';

/** The formats each kind can be written as. */
export const REPORT_FORMATS: Record<ReportKind, string[]> = {
  lessons: ['html', 'md', 'pdf', 'json'],
  case: ['html', 'md', 'pdf', 'json'],
  notification: ['html', 'md', 'pdf', 'json'],
  followups: ['jira-csv', 'github', 'gh-script', 'checklist', 'json'],
};

/** The file extension of a format. */
export function formatExtension(format: string): string {
  switch (format) {
    case 'jira-csv':
      return 'csv';
    case 'github':
      return 'json';
    case 'gh-script':
      return 'sh';
    case 'checklist':
      return 'md';
    default:
      return format;
  }
}

export function reportPreview(): Promise<string> {
  return call<string>('report_preview');
}

export function reportCharts(): Promise<ChartSvg[]> {
  return call<ChartSvg[]>('report_charts');
}

export function reportsInfo(): Promise<ReportsInfo> {
  return call<ReportsInfo>('reports_info');
}

export function notificationDraft(kind: string): Promise<Draft> {
  return call<Draft>('notification_draft', { kind });
}

export function setReportStatus(status: string, authors: string[]): Promise<ReportStatus> {
  return call<ReportStatus>('report_set_status', { status, authors });
}

/** Write a report to `path`; `draft` is the edited notification draft. */
export function exportReport(
  kind: ReportKind,
  format: string,
  path: string,
  regime: string | null = null,
  draft: Draft | null = null,
): Promise<ReportExported> {
  return call<ReportExported>('report_export', { kind, format, regime, draft, path });
}

/** Save dialog for a report; null when the user cancels. */
export async function pickReportExportPath(defaultName: string): Promise<string | null> {
  return save({ title: 'Export report', defaultPath: defaultName });
}
