// The dashboard's notification deadlines: one row per deadline of the case's regimes with its
// due time, status and a live countdown; a deadline still owed offers "record sent", which opens
// a form under its row for the notification actually sent (when, to whom, channel, the text) and,
// when it is sent after the due time of a rule that requires one, the reason for the delay.

import { Fragment, useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { Deadline } from '../api/incident';
import { countdown } from '../lib/countdown';
import { formatTs } from '../lib/format';
import { awaitsNotification, lateReasonNeeded, nowInput, parseUtcMicros } from '../lib/incidentInput';
import type { Change } from './IncidentDashboard';

type Props = { deadlines: Deadline[]; nowMs: number; readOnly: boolean; change: Change };

const COLUMNS = 6;

export function IncidentDeadlines({ deadlines, nowMs, readOnly, change }: Props) {
  const [recording, setRecording] = useState<string | null>(null);
  return (
    <table id="deadlines" className="deadlines">
      <thead>
        <tr>
          <th>Regime</th>
          <th>Notification</th>
          <th>Due (UTC)</th>
          <th>Status</th>
          <th>Time</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {deadlines.map((d) => (
          <Fragment key={d.rule}>
            <DeadlineRow
              d={d}
              nowMs={nowMs}
              canRecord={!readOnly && awaitsNotification(d) && recording !== d.rule}
              onRecord={() => setRecording(d.rule)}
            />
            {recording === d.rule && (
              <tr className="sent-form-row">
                <td colSpan={COLUMNS}>
                  <RecordSentForm d={d} nowMs={nowMs} change={change} onDone={() => setRecording(null)} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function DeadlineRow({ d, nowMs, canRecord, onRecord }: { d: Deadline; nowMs: number; canRecord: boolean; onRecord: () => void }) {
  const open = d.status === 'due' || d.status === 'overdue';
  const live = open && d.due !== null ? countdown(d.due, nowMs) : null;
  const status = live?.overdue ? 'overdue' : d.status;
  return (
    <tr className={`deadline-row status-${status}`} data-rule={d.rule} title={d.note}>
      <td>{d.regime}</td>
      <td>
        {d.name}
        <div className="muted small">{d.basis || d.waiting_for}</div>
      </td>
      <td className="mono deadline-due">{d.asap && d.due ? `${formatTs(d.due)} (asap)` : formatTs(d.due)}</td>
      <td>
        <span className={`badge deadline-status status-${status}`}>{status.replace('_', ' ')}</span>
        {d.reason_missing && <div className="warn small">reason for the delay missing</div>}
      </td>
      <td className="mono deadline-left">
        {live ? live.text : d.remaining}
        {d.sent_at !== null && <div className="muted small">sent {formatTs(d.sent_at)}</div>}
      </td>
      <td className="row-end">
        {canRecord && (
          <button type="button" className="link-button record-sent" id={`record-sent-${d.rule}`} onClick={onRecord}>
            record sent…
          </button>
        )}
      </td>
    </tr>
  );
}

function RecordSentForm({ d, nowMs, change, onDone }: { d: Deadline; nowMs: number; change: Change; onDone: () => void }) {
  const [sentAt, setSentAt] = useState(() => nowInput(nowMs));
  const [recipient, setRecipient] = useState(d.recipient);
  const [channel, setChannel] = useState('');
  const [text, setText] = useState('');
  const [lateReason, setLateReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const late = lateReasonNeeded(d, sentAt);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (parseUtcMicros(sentAt) === null) {
      setProblem(`Sent at: “${sentAt.trim()}” is not a time (YYYY-MM-DD HH:MM, UTC)`);
      return;
    }
    if (late && lateReason.trim() === '') {
      setProblem(`Sent after the due time (${formatTs(d.due)}): ${d.name} requires the reason for the delay`);
      return;
    }
    setProblem(null);
    const input = { rule: d.rule, sent_at: sentAt.trim(), recipient: recipient.trim(), channel: channel.trim(), text, late_reason: lateReason };
    if (await change(() => inc.recordNotification(input), `Notification recorded: ${d.name}`)) onDone();
  };

  return (
    <form className="sent-form edit-grid" id={`sent-form-${d.rule}`} onSubmit={submit}>
      <label>
        Sent at (UTC)
        <input className="mono sent-at" value={sentAt} required onChange={(e) => setSentAt(e.target.value)} />
      </label>
      <label>
        To
        <input className="sent-recipient" value={recipient} required onChange={(e) => setRecipient(e.target.value)} />
      </label>
      <label>
        Channel
        <input className="sent-channel" value={channel} placeholder="portal, email, letter" onChange={(e) => setChannel(e.target.value)} />
      </label>
      <label className="wide">
        Text sent
        <textarea className="sent-text" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      {d.late_reason_required && (
        <label className="wide">
          Reason for the delay {late ? '(required: sent after the due time)' : '(required if sent after the due time)'}
          <input className="sent-late-reason" value={lateReason} onChange={(e) => setLateReason(e.target.value)} />
        </label>
      )}
      {problem !== null && (
        <p className="warn wide" role="alert">
          {problem}
        </p>
      )}
      <div className="edit-actions wide">
        <button type="submit" className="sent-save" disabled={recipient.trim() === '' || sentAt.trim() === ''}>
          Record notification
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
