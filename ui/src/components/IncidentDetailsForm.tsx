// Edit screen: the case details (title, summary, category, severity, status, phase, the NIST
// impact ratings, retention and legal hold), the notification regimes that apply, and the
// record's lists (people and roles, affected assets, tenants and customers, related cases).

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { Details, IncidentRecord, Vocabulary } from '../api/incident';
import type { Change } from './IncidentDashboard';
import { timeInput, timeValue, VocabSelect } from './IncidentFields';
import { parseUtcMicros } from '../lib/incidentInput';
import { IncidentAssets, IncidentParties, IncidentPeople, IncidentRelated } from './IncidentRecordLists';

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

  const [problem, setProblem] = useState<string | null>(null);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const retainUntil = timeValue(retain);
    if (retainUntil !== null && parseUtcMicros(retainUntil) === null) {
      setProblem(`Retain until: “${retainUntil}” is not a date (YYYY-MM-DD, UTC)`);
      return;
    }
    setProblem(null);
    void change(() => inc.updateDetails({ ...d, retain_until: retainUntil }), 'Details saved', true);
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
        {problem !== null && (
          <p id="details-problem" className="warn small" role="alert">
            {problem}
          </p>
        )}
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

      <IncidentPeople record={record} vocab={vocab} readOnly={readOnly} change={change} />
      <IncidentAssets record={record} readOnly={readOnly} change={change} />
      <IncidentParties record={record} readOnly={readOnly} change={change} />
      <IncidentRelated record={record} readOnly={readOnly} change={change} />
    </div>
  );
}
