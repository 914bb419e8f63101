// Edit screen: the case details (title, summary, category, severity, status, phase, the NIST
// impact ratings, retention and legal hold), the notification regimes that apply, the people
// of the response with their roles, and the affected tenants and customers.

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { Details, IncidentRecord, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import type { Change } from './IncidentDashboard';
import { timeInput, timeValue, VocabSelect } from './IncidentFields';

type Props = {
  record: IncidentRecord;
  vocab: Vocabulary;
  regimesKnown: string[];
  readOnly: boolean;
  change: Change;
};

export function IncidentDetailsForm({ record, vocab, regimesKnown, readOnly, change }: Props) {
  const [d, setD] = useState<Details>(record.details);
  const [retain, setRetain] = useState(timeInput(record.details.retain_until));
  const [regimes, setRegimes] = useState<string[]>(record.regimes);
  const set = <K extends keyof Details>(k: K, v: Details[K]) => setD((x) => ({ ...x, [k]: v }));
  const setImpact = (k: keyof Details['impact'], v: string | null) =>
    setD((x) => ({ ...x, impact: { ...x.impact, [k]: v } }));
  const statuses = vocab.statuses.filter((s) => s !== 'sealed' || d.status === 'sealed');

  const save = (e: FormEvent) => {
    e.preventDefault();
    void change(() => inc.updateDetails({ ...d, retain_until: timeValue(retain) }), 'Details saved', true);
  };

  return (
    <div className="details-form">
      <form id="details-form" onSubmit={save}>
        <div className="edit-grid">
          <label className="wide">
            Title
            <input id="detail-title" value={d.title} disabled={readOnly} onChange={(e) => set('title', e.target.value)} />
          </label>
          <label className="wide">
            Summary
            <textarea value={d.summary} disabled={readOnly} onChange={(e) => set('summary', e.target.value)} />
          </label>
          <VocabSelect label="Category" value={d.category} options={vocab.categories} disabled={readOnly} onChange={(v) => set('category', v ?? d.category)} />
          <VocabSelect id="detail-severity" label="Severity" value={d.severity} options={vocab.severities} disabled={readOnly} onChange={(v) => set('severity', v ?? d.severity)} />
          <VocabSelect label="Status" value={d.status} options={statuses} disabled={readOnly} onChange={(v) => set('status', v ?? d.status)} />
          <VocabSelect id="detail-phase" label="Phase" value={d.phase} options={vocab.phases} disabled={readOnly} onChange={(v) => set('phase', v ?? d.phase)} />
          <VocabSelect label="Functional impact" value={d.impact.functional} options={vocab.functional_impacts} empty="unrated" disabled={readOnly} onChange={(v) => setImpact('functional', v)} />
          <VocabSelect label="Information impact" value={d.impact.information} options={vocab.information_impacts} empty="unrated" disabled={readOnly} onChange={(v) => setImpact('information', v)} />
          <VocabSelect label="Recoverability" value={d.impact.recoverability} options={vocab.recoverabilities} empty="unrated" disabled={readOnly} onChange={(v) => setImpact('recoverability', v)} />
          <label>
            Retain until (UTC)
            <input value={retain} placeholder="YYYY-MM-DD" disabled={readOnly} onChange={(e) => setRetain(e.target.value)} />
          </label>
          <label>
            Legal hold
            <select value={d.legal_hold ? 'yes' : 'no'} disabled={readOnly} onChange={(e) => set('legal_hold', e.target.value === 'yes')}>
              <option value="no">No</option>
              <option value="yes">Yes</option>
            </select>
          </label>
          <label>
            Legal hold reason
            <input value={d.legal_hold_reason} disabled={readOnly} onChange={(e) => set('legal_hold_reason', e.target.value)} />
          </label>
        </div>
        <div className="edit-actions">
          <button type="submit" id="save-details" disabled={readOnly}>
            Save details
          </button>
        </div>
      </form>

      <h3>Notification regimes</h3>
      <div className="regimes">
        {regimesKnown.map((r) => (
          <label key={r}>
            <input
              type="checkbox"
              id={`regime-${r}`}
              checked={regimes.includes(r)}
              disabled={readOnly}
              onChange={(e) => setRegimes((x) => (e.target.checked ? [...x, r] : x.filter((y) => y !== r)))}
            />{' '}
            {r.toUpperCase()}
          </label>
        ))}
        <button
          type="button"
          id="save-regimes"
          disabled={readOnly}
          onClick={() => void change(() => inc.setRegimes(regimes), `Regimes: ${regimes.join(', ') || 'none'}`)}
        >
          Save regimes
        </button>
      </div>

      <People record={record} vocab={vocab} readOnly={readOnly} change={change} />
      <Parties record={record} readOnly={readOnly} change={change} />
    </div>
  );
}

function People({ record, vocab, readOnly, change }: Omit<Props, 'regimesKnown'>) {
  const [name, setName] = useState('');
  const [role, setRole] = useState(vocab.roles[0] ?? '');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await change(() => inc.addPerson({ name, role, email, phone, notes: '' }), `Added ${name}`)) {
      setName('');
      setEmail('');
      setPhone('');
    }
  };
  return (
    <>
      <h3>People and roles</h3>
      {record.people.length > 0 && (
        <table className="record-table">
          <tbody>
            {record.people.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>{humanize(p.role)}</td>
                <td>{p.email}</td>
                <td>{p.phone}</td>
                <td>
                  <button type="button" className="link-button" disabled={readOnly} onClick={() => void change(() => inc.removeItem('person', p.id), `Removed ${p.name}`)}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="edit-row" onSubmit={add}>
        <label>
          Name
          <input value={name} required disabled={readOnly} onChange={(e) => setName(e.target.value)} />
        </label>
        <VocabSelect label="Role" value={role} options={vocab.roles} disabled={readOnly} onChange={(v) => setRole(v ?? role)} />
        <label>
          Email
          <input value={email} disabled={readOnly} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Phone
          <input value={phone} disabled={readOnly} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <button type="submit" disabled={readOnly || name.trim() === ''}>
          Add person
        </button>
      </form>
    </>
  );
}

function Parties({ record, readOnly, change }: Omit<Props, 'regimesKnown' | 'vocab'>) {
  const [kind, setKind] = useState('customer');
  const [name, setName] = useState('');
  const [people, setPeople] = useState('');
  const [records, setRecords] = useState('');
  const num = (t: string) => (t.trim() === '' ? null : Number(t));
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const party = { kind, name, people_affected: num(people), records_affected: num(records), notes: '' };
    if (await change(() => inc.addParty(party), `Added ${name}`)) {
      setName('');
      setPeople('');
      setRecords('');
    }
  };
  return (
    <>
      <h3>Affected tenants and customers</h3>
      {record.affected.length > 0 && (
        <table className="record-table">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Name</th>
              <th className="num">People</th>
              <th className="num">Records</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {record.affected.map((p) => (
              <tr key={p.id}>
                <td>{p.kind}</td>
                <td>{p.name}</td>
                <td className="num">{p.people_affected ?? '—'}</td>
                <td className="num">{p.records_affected ?? '—'}</td>
                <td>
                  <button type="button" className="link-button" disabled={readOnly} onClick={() => void change(() => inc.removeItem('party', p.id), `Removed ${p.name}`)}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="edit-row" onSubmit={add}>
        <VocabSelect label="Kind" value={kind} options={['customer', 'tenant']} disabled={readOnly} onChange={(v) => setKind(v ?? kind)} />
        <label>
          Name
          <input value={name} required disabled={readOnly} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          People affected
          <input type="number" min={0} value={people} disabled={readOnly} onChange={(e) => setPeople(e.target.value)} />
        </label>
        <label>
          Records affected
          <input type="number" min={0} value={records} disabled={readOnly} onChange={(e) => setRecords(e.target.value)} />
        </label>
        <button type="submit" disabled={readOnly || name.trim() === ''}>
          Add
        </button>
      </form>
    </>
  );
}
