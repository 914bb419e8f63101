// Edit screen: the notifications actually sent (when, to whom, channel, the text sent, and the
// reason when late), each answering one deadline rule.

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { IncidentRecord, NotificationInput, Vocabulary } from '../api/incident';
import { formatTs } from '../lib/format';
import type { Change } from './IncidentDashboard';

type Props = { record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

export function IncidentNotifications({ record, vocab, readOnly, change }: Props) {
  const ruleNames = new Map(vocab.rules);
  const mine = vocab.rules.filter(([id]) => record.regimes.some((r) => id.startsWith(`${r}_`)));
  const offered = mine.length > 0 ? mine : vocab.rules;
  const empty: NotificationInput = {
    rule: offered[0]?.[0] ?? '',
    sent_at: '',
    recipient: '',
    channel: '',
    text: '',
    late_reason: '',
  };
  const [draft, setDraft] = useState<NotificationInput>(empty);
  const set = <K extends keyof NotificationInput>(k: K, v: NotificationInput[K]) => setDraft((x) => ({ ...x, [k]: v }));
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await change(() => inc.recordNotification(draft), 'Notification recorded')) setDraft(empty);
  };
  return (
    <div>
      <table className="record-table">
        <thead>
          <tr>
            <th>Sent (UTC)</th>
            <th>For</th>
            <th>To</th>
            <th>Channel</th>
            <th>Text</th>
            <th>Late reason</th>
          </tr>
        </thead>
        <tbody>
          {record.notifications.map((n) => (
            <tr key={n.id}>
              <td className="mono">{formatTs(n.sent_at)}</td>
              <td>{ruleNames.get(n.rule) ?? n.rule}</td>
              <td>{n.recipient}</td>
              <td>{n.channel}</td>
              <td className="small">{n.text}</td>
              <td className="small">{n.late_reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Record a notification sent</h3>
      <form className="edit-grid" onSubmit={add}>
        <label>
          Deadline
          <select value={draft.rule} disabled={readOnly} onChange={(e) => set('rule', e.target.value)}>
            {offered.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sent at (UTC)
          <input className="mono" value={draft.sent_at} required placeholder="2026-03-14 02:11" disabled={readOnly} onChange={(e) => set('sent_at', e.target.value)} />
        </label>
        <label>
          To
          <input value={draft.recipient} required disabled={readOnly} onChange={(e) => set('recipient', e.target.value)} />
        </label>
        <label>
          Channel
          <input value={draft.channel} placeholder="portal, email, letter" disabled={readOnly} onChange={(e) => set('channel', e.target.value)} />
        </label>
        <label className="wide">
          Text sent
          <textarea value={draft.text} disabled={readOnly} onChange={(e) => set('text', e.target.value)} />
        </label>
        <label className="wide">
          Reason for a late notification
          <input value={draft.late_reason} disabled={readOnly} onChange={(e) => set('late_reason', e.target.value)} />
        </label>
        <div className="edit-actions">
          <button type="submit" disabled={readOnly || draft.recipient.trim() === '' || draft.sent_at.trim() === ''}>
            Record notification
          </button>
        </div>
      </form>
    </div>
  );
}
