// The Reports view: the lessons-learned report previewed in a sandboxed frame (srcdoc, no
// scripts), its status and authors, export of every report kind to a path (stored in the case
// with its SHA-256), the incident charts, and the notification draft editor with "record as
// sent". The report HTML is rendered by the backend with all evidence text escaped; the frame
// has no allow-scripts, so nothing in it runs even so.

import { useCallback, useEffect, useState } from 'react';

import './ReportsView.css';

import { recordNotification } from '../api/incident';
import * as reports from '../api/reports';
import type { ChartSvg, Draft, ReportKind, ReportsInfo } from '../api/reports';

type Props = {
  dataVersion: number;
  onError: (err: unknown) => void;
  onNotice: (text: string) => void;
};

const STATUSES = [
  ['draft', 'Draft'],
  ['in_review', 'In review'],
  ['final', 'Final'],
] as const;

export function ReportsView({ dataVersion, onError, onNotice }: Props) {
  const [preview, setPreview] = useState<string | null>(null);
  const [charts, setCharts] = useState<ChartSvg[]>([]);
  const [info, setInfo] = useState<ReportsInfo | null>(null);
  const [status, setStatus] = useState('draft');
  const [authors, setAuthors] = useState('');
  const [kind, setKind] = useState<ReportKind>('lessons');
  const [format, setFormat] = useState('html');
  const [path, setPath] = useState('');
  const [draftKind, setDraftKind] = useState('customer');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [text, setText] = useState('');
  const [recipient, setRecipient] = useState('');
  const [channel, setChannel] = useState('email');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      const [html, ch, inf] = await Promise.all([reports.reportPreview(), reports.reportCharts(), reports.reportsInfo()]);
      setPreview(html);
      setCharts(ch);
      setInfo(inf);
      if (inf.status) {
        setStatus(inf.status.status);
        setAuthors(inf.status.authors.join(', '));
      }
    } catch (err) {
      onError(err);
    }
  }, [onError]);

  useEffect(() => {
    void reload();
  }, [reload, dataVersion]);

  const loadDraft = useCallback(
    async (k: string) => {
      try {
        const d = await reports.notificationDraft(k);
        setDraft(d);
        setText(d.text);
        setRecipient(d.kind === 'customer' ? 'affected customers' : d.recipient);
      } catch (err) {
        onError(err);
      }
    },
    [onError],
  );

  useEffect(() => {
    void loadDraft(draftKind);
  }, [loadDraft, draftKind, dataVersion]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const saveStatus = () =>
    act(async () => {
      const names = authors
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      const s = await reports.setReportStatus(status, names);
      onNotice(`Report status ${s.status}`);
      await reload();
    });

  const chooseKind = (k: ReportKind) => {
    setKind(k);
    setFormat(reports.REPORT_FORMATS[k][0] ?? 'html');
  };

  const browse = () =>
    act(async () => {
      const picked = await reports.pickReportExportPath(`${kind}.${reports.formatExtension(format)}`);
      if (picked !== null) setPath(picked);
    });

  const exportTo = (target: string, k: ReportKind, f: string, withDraft: boolean) =>
    act(async () => {
      const edited = withDraft && draft ? { ...draft, text } : null;
      const out = await reports.exportReport(k, f, target, withDraft ? draftKind : null, edited);
      const stored = out.archived ? `stored in the case as report #${out.archived.id}` : (out.not_archived ?? '');
      onNotice(`Wrote ${out.path} (${out.bytes} bytes, sha256 ${out.sha256}); ${stored}`);
      await reload();
    });

  // A notification is recorded exactly as sent, so a text with open gaps is not recorded.
  const unfilled = text.includes('[MISSING:');

  const recordSent = () =>
    act(async () => {
      if (!draft?.rule) throw new Error('This draft answers no deadline rule; choose a regime');
      await recordNotification({
        rule: draft.rule,
        sent_at: new Date().toISOString(),
        recipient,
        channel,
        text,
        late_reason: '',
      });
      onNotice(`Recorded the ${draft.rule} notification to ${recipient} as sent`);
      await loadDraft(draftKind);
    });

  return (
    <main className="reports-view" id="reports-view">
      <section className="reports-side">
        <h2>Lessons-learned report</h2>
        <div className="reports-row">
          <label>
            Status{' '}
            <select id="report-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              {STATUSES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            Authors <input id="report-authors" value={authors} onChange={(e) => setAuthors(e.target.value)} placeholder="Name, Name" />
          </label>
          <button type="button" id="report-status-save" disabled={busy} onClick={saveStatus}>
            Save
          </button>
        </div>

        <h2>Export</h2>
        <div className="reports-row">
          <select id="export-kind" value={kind} onChange={(e) => chooseKind(e.target.value as ReportKind)}>
            <option value="lessons">Lessons learned</option>
            <option value="followups">Follow-up list</option>
            <option value="case">Case report</option>
          </select>
          <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value)}>
            {reports.REPORT_FORMATS[kind].map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
        <div className="reports-row">
          <input id="export-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/file" />
          <button type="button" disabled={busy} onClick={browse}>
            Choose…
          </button>
          <button type="button" id="export-go" disabled={busy || path.trim() === ''} onClick={() => exportTo(path.trim(), kind, format, false)}>
            Export
          </button>
        </div>
        {info && (
          <details className="reports-archive">
            <summary>Stored in the case: {info.archived.length}</summary>
            <ul id="archived-reports">
              {info.archived.map((r) => (
                <li key={r.id}>
                  #{r.id} {r.kind} {r.format} {r.file_name} <code title={r.sha256}>{r.sha256.slice(0, 16)}…</code>
                </li>
              ))}
            </ul>
          </details>
        )}

        <h2>Notification draft</h2>
        <div className="reports-row">
          <select id="draft-kind" value={draftKind} onChange={(e) => setDraftKind(e.target.value)}>
            {(info?.draft_kinds ?? ['customer']).map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          {draft && (
            <span className="muted">
              {draft.rule ?? 'no rule'}
              {draft.due ? `, due ${draft.due}` : ''}
            </span>
          )}
        </div>
        {draft && draft.gaps.length > 0 && (
          <p className="draft-gaps" id="draft-gaps">
            Missing from the record: {draft.gaps.join('; ')}
          </p>
        )}
        <textarea id="draft-text" rows={16} value={text} onChange={(e) => setText(e.target.value)} />
        {unfilled && (
          <p className="muted" id="draft-unfilled">
            The text still has [MISSING: …] gaps: fill them in before recording it as sent.
          </p>
        )}
        <div className="reports-row">
          <input id="draft-recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)} placeholder="Recipient" />
          <input id="draft-channel" value={channel} onChange={(e) => setChannel(e.target.value)} placeholder="Channel" />
          <button
            type="button"
            id="draft-record"
            disabled={busy || recipient.trim() === '' || unfilled}
            title={unfilled ? 'Replace every [MISSING: …] in the text first: what is recorded is what was sent' : undefined}
            onClick={recordSent}
          >
            Record as sent
          </button>
          <button
            type="button"
            id="draft-export"
            disabled={busy || path.trim() === ''}
            title="Export the draft as it stands to the export path"
            onClick={() => exportTo(path.trim(), 'notification', format === 'pdf' || format === 'html' || format === 'json' ? format : 'md', true)}
          >
            Export draft
          </button>
        </div>
      </section>
      <section className="reports-main">
        <iframe id="report-preview" title="Lessons-learned report preview" sandbox="" srcDoc={preview ?? ''} />
        <div className="reports-charts" id="report-charts">
          {charts.map((c) => (
            <figure key={c.id}>
              <img alt={c.caption} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(c.svg)}`} />
              <figcaption>{c.caption}</figcaption>
            </figure>
          ))}
        </div>
      </section>
    </main>
  );
}
