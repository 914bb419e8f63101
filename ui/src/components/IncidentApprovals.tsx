// An action's approvals (who approved, in which role, when, with what note) and the form that
// records one, e.g. the executive incident manager's sign-off on an emergency workaround.

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { Action, IncidentRecord, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import { formatTs } from '../lib/format';
import { parseUtcMicros } from '../lib/incidentInput';
import type { Change } from './IncidentDashboard';
import { VocabSelect } from './IncidentFields';

type Props = { action: Action; record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

export function IncidentApprovals({ action, record, vocab, readOnly, change }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <div className="approvals">
      {action.approvals.length === 0 && <div className="muted">not approved</div>}
      {action.approvals.map((p) => (
        <div key={p.id} className="approval" data-approval={p.id}>
          <span className="approval-who">{p.approver}</span>
          {p.role && <span className="muted"> ({humanize(p.role)})</span>}
          <div className="mono">{formatTs(p.at)}</div>
          {p.note && <div className="muted">{p.note}</div>}
        </div>
      ))}
      {!readOnly && !open && (
        <button type="button" className="link-button" id={`approve-${action.id}`} onClick={() => setOpen(true)}>
          record approval…
        </button>
      )}
      {open && <ApprovalForm action={action} record={record} vocab={vocab} change={change} onDone={() => setOpen(false)} />}
    </div>
  );
}

function ApprovalForm({
  action,
  record,
  vocab,
  change,
  onDone,
}: Omit<Props, 'readOnly'> & { onDone: () => void }) {
  // Offer the executive incident manager of the record by default, when one is named.
  const eim = record.people.find((p) => p.role === 'executive_incident_manager');
  const [approver, setApprover] = useState(eim?.name ?? '');
  const [role, setRole] = useState<string | null>('executive_incident_manager');
  const [at, setAt] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (at.trim() !== '' && parseUtcMicros(at) === null) {
      setProblem(`“${at.trim()}” is not a time (YYYY-MM-DD HH:MM, UTC)`);
      return;
    }
    setProblem(null);
    const who = approver.trim();
    if (await change(() => inc.approveAction(action.id, who, role, at.trim(), note), `Action #${action.id} approved by ${who}`)) onDone();
  };
  return (
    <form className="approval-form" id={`approval-form-${action.id}`} onSubmit={submit}>
      <label>
        Approver
        <input className="approval-approver" value={approver} required onChange={(e) => setApprover(e.target.value)} />
      </label>
      <VocabSelect label="Role" value={role} options={vocab.roles} empty="—" onChange={setRole} />
      <label>
        When (UTC; empty: now)
        <input className="mono approval-at" value={at} placeholder="2026-03-14 02:11" onChange={(e) => setAt(e.target.value)} />
      </label>
      <label>
        Note
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {problem !== null && (
        <p className="warn" role="alert">
          {problem}
        </p>
      )}
      <div className="edit-actions">
        <button type="submit" className="approval-save" disabled={approver.trim() === ''}>
          Approve
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
