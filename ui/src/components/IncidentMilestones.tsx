// Edit screen: every milestone with its time and source; set one by typing a UTC time (or from
// a timeline event, in the event drawer), or clear it.

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { IncidentRecord, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import { formatTs } from '../lib/format';
import type { Change } from './IncidentDashboard';
import { VocabSelect } from './IncidentFields';

type Props = { record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

export function IncidentMilestones({ record, vocab, readOnly, change }: Props) {
  const [kind, setKind] = useState(vocab.milestones[0] ?? '');
  const [time, setTime] = useState('');
  const [note, setNote] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await change(() => inc.setMilestone(kind, { time }, note), `${humanize(kind)} set`)) {
      setTime('');
      setNote('');
    }
  };
  return (
    <div>
      <table className="record-table">
        <thead>
          <tr>
            <th>Milestone</th>
            <th>Time (UTC)</th>
            <th>Source</th>
            <th>Note</th>
            <th>Set by</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {vocab.milestones.map((k) => {
            const m = record.milestones.find((x) => x.kind === k);
            return (
              <tr key={k}>
                <td>{humanize(k)}</td>
                <td className="mono">{m ? formatTs(m.at) : '—'}</td>
                <td>{m ? (m.event_id !== null ? `event #${m.event_id}` : 'typed') : ''}</td>
                <td>{m?.note}</td>
                <td>{m?.set_by}</td>
                <td>
                  {m && (
                    <button type="button" className="link-button" disabled={readOnly} onClick={() => void change(() => inc.clearMilestone(k), `${humanize(k)} cleared`)}>
                      clear
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form className="edit-row" onSubmit={submit}>
        <VocabSelect label="Milestone" value={kind} options={vocab.milestones} disabled={readOnly} onChange={(v) => setKind(v ?? kind)} />
        <label>
          Time (UTC)
          <input className="mono" value={time} required placeholder="2026-03-14 02:11:09" disabled={readOnly} onChange={(e) => setTime(e.target.value)} />
        </label>
        <label>
          Note
          <input value={note} disabled={readOnly} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" disabled={readOnly || time.trim() === ''}>
          Set milestone
        </button>
      </form>
      <p className="muted">To take a milestone from a timeline event, open the event in the Timeline and use “Set milestone”.</p>
    </div>
  );
}
