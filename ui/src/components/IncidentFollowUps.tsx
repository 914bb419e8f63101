// Edit screen: the follow-up (bug) list: title, type, owner, priority, due date, status, tracker
// key or URL, and the lesson it answers.

import { useState, type FormEvent } from 'react';
import * as inc from '../api/incident';
import type { FollowUpInput, IncidentRecord, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import { formatTs } from '../lib/format';
import type { Change } from './IncidentDashboard';
import { timeValue, VocabSelect } from './IncidentFields';

type Props = { record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

export function IncidentFollowUps({ record, vocab, readOnly, change }: Props) {
  const empty: FollowUpInput = {
    title: '',
    description: '',
    type: vocab.follow_up_types[0] ?? '',
    owner: '',
    priority: 'p2',
    due: null,
    status: 'open',
    tracker: '',
    lesson: null,
  };
  const [draft, setDraft] = useState<FollowUpInput>(empty);
  const [due, setDue] = useState('');
  const set = <K extends keyof FollowUpInput>(k: K, v: FollowUpInput[K]) => setDraft((x) => ({ ...x, [k]: v }));
  const topics = vocab.lesson_topics.map(([t]) => t);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await change(() => inc.addFollowUp({ ...draft, due: timeValue(due) }), 'Follow-up added')) {
      setDraft(empty);
      setDue('');
    }
  };

  return (
    <div>
      <table id="followups-table" className="record-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Title</th>
            <th>Type</th>
            <th>Priority</th>
            <th>Owner</th>
            <th>Due (UTC)</th>
            <th>Tracker</th>
            <th>Lesson</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {record.follow_ups.map((f) => (
            <tr key={f.id}>
              <td className="num">{f.id}</td>
              <td>
                {f.title}
                {f.description && <div className="muted small">{f.description}</div>}
              </td>
              <td>{humanize(f.type)}</td>
              <td>{f.priority}</td>
              <td>{f.owner}</td>
              <td className="mono">{formatTs(f.due)}</td>
              <td>{f.tracker}</td>
              <td className="small">{f.lesson ? humanize(f.lesson) : ''}</td>
              <td>
                <select
                  aria-label={`Status of follow-up ${f.id}`}
                  value={f.status}
                  disabled={readOnly}
                  onChange={(e) =>
                    void change(() => inc.updateFollowUp(f.id, { ...inc.followUpInput(f), status: e.target.value }), `Follow-up #${f.id}: ${e.target.value}`)
                  }
                >
                  {vocab.follow_up_statuses.map((s) => (
                    <option key={s} value={s}>
                      {humanize(s)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Add a follow-up item</h3>
      <form className="edit-grid" onSubmit={add}>
        <label className="wide">
          Title
          <input id="followup-title" value={draft.title} required disabled={readOnly} onChange={(e) => set('title', e.target.value)} />
        </label>
        <label className="wide">
          Description
          <textarea value={draft.description} disabled={readOnly} onChange={(e) => set('description', e.target.value)} />
        </label>
        <VocabSelect label="Type" value={draft.type} options={vocab.follow_up_types} disabled={readOnly} onChange={(v) => set('type', v ?? draft.type)} />
        <VocabSelect label="Priority" value={draft.priority} options={vocab.priorities} disabled={readOnly} onChange={(v) => set('priority', v ?? draft.priority)} />
        <VocabSelect label="Status" value={draft.status} options={vocab.follow_up_statuses} disabled={readOnly} onChange={(v) => set('status', v ?? draft.status)} />
        <label>
          Owner
          <input value={draft.owner} disabled={readOnly} onChange={(e) => set('owner', e.target.value)} />
        </label>
        <label>
          Due (UTC)
          <input className="mono" value={due} placeholder="YYYY-MM-DD" disabled={readOnly} onChange={(e) => setDue(e.target.value)} />
        </label>
        <label>
          Tracker key or URL
          <input value={draft.tracker} disabled={readOnly} onChange={(e) => set('tracker', e.target.value)} />
        </label>
        <VocabSelect label="Answers the lesson" value={draft.lesson} options={topics} empty="—" disabled={readOnly} onChange={(v) => set('lesson', v)} />
        <div className="edit-actions">
          <button type="submit" id="add-followup" disabled={readOnly || draft.title.trim() === ''}>
            Add follow-up
          </button>
        </div>
      </form>
    </div>
  );
}
