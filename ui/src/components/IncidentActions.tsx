// Edit screen: the containment, eradication and recovery log: what, who, when, kind, stage,
// status, linked events and evidence, and approvals (who approved, when).

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { ActionInput, IncidentRecord, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import { formatTs } from '../lib/format';
import type { Change } from './IncidentDashboard';
import { timeValue, VocabSelect } from './IncidentFields';

type Props = { record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

/** "12, 40" → [12, 40]; anything that is not a whole number is left for the core to refuse. */
function ids(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map(Number);
}

export function IncidentActions({ record, vocab, readOnly, change }: Props) {
  const empty: ActionInput = {
    what: '',
    kind: vocab.action_kinds[0] ?? '',
    stage: 'containment',
    status: 'planned',
    owner: '',
    at: null,
    event_ids: [],
    evidence_ids: [],
    notes: '',
  };
  const [draft, setDraft] = useState<ActionInput>(empty);
  const [at, setAt] = useState('');
  const [events, setEvents] = useState('');
  const [evidence, setEvidence] = useState('');
  const [approver, setApprover] = useState('');
  const set = <K extends keyof ActionInput>(k: K, v: ActionInput[K]) => setDraft((x) => ({ ...x, [k]: v }));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const input = { ...draft, at: timeValue(at), event_ids: ids(events), evidence_ids: ids(evidence) };
    if (await change(() => inc.addAction(input), 'Action added')) {
      setDraft(empty);
      setAt('');
      setEvents('');
      setEvidence('');
    }
  };

  return (
    <div>
      <table id="actions-table" className="record-table">
        <thead>
          <tr>
            <th>#</th>
            <th>What</th>
            <th>Kind / stage</th>
            <th>Owner</th>
            <th>When (UTC)</th>
            <th>Links</th>
            <th>Status</th>
            <th>Approvals</th>
          </tr>
        </thead>
        <tbody>
          {record.actions.map((a) => (
            <tr key={a.id}>
              <td className="num">{a.id}</td>
              <td>{a.what}</td>
              <td>
                {humanize(a.kind)}
                {a.stage && <div className="muted small">{a.stage}</div>}
              </td>
              <td>{a.owner}</td>
              <td className="mono">{formatTs(a.at)}</td>
              <td className="small">
                {a.event_ids.length > 0 && <div>events {a.event_ids.join(', ')}</div>}
                {a.evidence_ids.length > 0 && <div>evidence {a.evidence_ids.join(', ')}</div>}
              </td>
              <td>
                <select
                  aria-label={`Status of action ${a.id}`}
                  value={a.status}
                  disabled={readOnly}
                  onChange={(e) =>
                    void change(() => inc.updateAction(a.id, { ...inc.actionInput(a), status: e.target.value }), `Action #${a.id}: ${e.target.value}`)
                  }
                >
                  {vocab.action_statuses.map((s) => (
                    <option key={s} value={s}>
                      {humanize(s)}
                    </option>
                  ))}
                </select>
              </td>
              <td className="small">
                {a.approvals.map((p) => (
                  <div key={p.id}>
                    {p.approver}
                    {p.role && ` (${humanize(p.role)})`} {formatTs(p.at)}
                  </div>
                ))}
                {!readOnly && (
                  <button
                    type="button"
                    className="link-button"
                    disabled={approver.trim() === ''}
                    title={approver.trim() === '' ? 'Type the approver’s name below first' : undefined}
                    onClick={() =>
                      void change(() => inc.approveAction(a.id, approver, 'executive_incident_manager'), `Action #${a.id} approved by ${approver}`)
                    }
                  >
                    approve
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {record.actions.length > 0 && (
        <div className="edit-row">
          <label>
            Approver (executive incident manager)
            <input value={approver} disabled={readOnly} onChange={(e) => setApprover(e.target.value)} />
          </label>
        </div>
      )}
      <h3>Add an action</h3>
      <form className="edit-grid" onSubmit={add}>
        <label className="wide">
          What
          <input id="action-what" value={draft.what} required disabled={readOnly} onChange={(e) => set('what', e.target.value)} />
        </label>
        <VocabSelect label="Kind" value={draft.kind} options={vocab.action_kinds} disabled={readOnly} onChange={(v) => set('kind', v ?? draft.kind)} />
        <VocabSelect label="Stage" value={draft.stage} options={vocab.action_stages} empty="—" disabled={readOnly} onChange={(v) => set('stage', v)} />
        <VocabSelect label="Status" value={draft.status} options={vocab.action_statuses} disabled={readOnly} onChange={(v) => set('status', v ?? draft.status)} />
        <label>
          Owner
          <input value={draft.owner} disabled={readOnly} onChange={(e) => set('owner', e.target.value)} />
        </label>
        <label>
          When (UTC)
          <input className="mono" value={at} placeholder="2026-03-14 02:11" disabled={readOnly} onChange={(e) => setAt(e.target.value)} />
        </label>
        <label>
          Event ids
          <input className="mono" value={events} placeholder="12, 40" disabled={readOnly} onChange={(e) => setEvents(e.target.value)} />
        </label>
        <label>
          Evidence ids
          <input className="mono" value={evidence} placeholder="1" disabled={readOnly} onChange={(e) => setEvidence(e.target.value)} />
        </label>
        <label className="wide">
          Notes
          <input value={draft.notes} disabled={readOnly} onChange={(e) => set('notes', e.target.value)} />
        </label>
        <div className="edit-actions">
          <button type="submit" id="add-action" disabled={readOnly || draft.what.trim() === ''}>
            Add action
          </button>
        </div>
      </form>
    </div>
  );
}
