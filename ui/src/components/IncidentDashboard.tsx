// The case dashboard (issue #5): the NIST phase, the milestones on a strip, the metrics, the
// notification deadlines with live countdowns, and counts of what the case holds; below, the
// edit screens of the incident record. Everything shown comes from the core
// (incident_dashboard); the UI only re-measures countdowns each second between refreshes.

import { useCallback, useEffect, useState } from 'react';
import * as inc from '../api/incident';
import type { Dashboard, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import { formatCount, formatTs } from '../lib/format';
import { IncidentDeadlines } from './IncidentDeadlines';
import { IncidentDetailsForm } from './IncidentDetailsForm';
import { IncidentMilestones } from './IncidentMilestones';
import { IncidentActions } from './IncidentActions';
import { IncidentFollowUps } from './IncidentFollowUps';
import { IncidentLessons } from './IncidentLessons';
import { IncidentNotifications } from './IncidentNotifications';
import './IncidentDashboard.css';

type Props = {
  /** Changes when the case changes elsewhere (import, another case opened). */
  dataVersion: number;
  /** Something in the record changed that the header shows (title, severity, phase, status). */
  onDetailsChanged: () => void;
  onError: (err: unknown) => void;
  onNotice: (text: string) => void;
};

const TABS = ['details', 'milestones', 'actions', 'follow-ups', 'lessons', 'notifications'] as const;
type Tab = (typeof TABS)[number];

const REFRESH_MS = 30_000;

export function IncidentDashboard({ dataVersion, onDetailsChanged, onError, onNotice }: Props) {
  const [dash, setDash] = useState<Dashboard | null>(null);
  const [vocab, setVocab] = useState<Vocabulary | null>(null);
  const [tab, setTab] = useState<Tab>('details');
  const [nowMs, setNowMs] = useState(() => Date.now());
  const [version, setVersion] = useState(0);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let live = true;
    const load = () =>
      inc.incidentDashboard().then(
        (d) => live && setDash(d),
        (err: unknown) => live && onError(err),
      );
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [dataVersion, version, onError]);

  useEffect(() => {
    let live = true;
    inc.incidentVocabulary().then(
      (v) => live && setVocab(v),
      (err: unknown) => live && onError(err),
    );
    return () => {
      live = false;
    };
  }, [onError]);

  useEffect(() => {
    const tick = window.setInterval(() => setNowMs(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, []);

  /** Run one change, then reload the dashboard; true when it worked. */
  const change = useCallback(
    async (what: () => Promise<unknown>, notice: string, headerToo = false): Promise<boolean> => {
      try {
        await what();
        onNotice(notice);
        reload();
        if (headerToo) onDetailsChanged();
        return true;
      } catch (err) {
        onError(err);
        return false;
      }
    },
    [onNotice, onError, reload, onDetailsChanged],
  );

  if (dash === null || vocab === null) {
    return (
      <main id="incident-dashboard" className="dashboard">
        <p className="muted">Loading the incident record…</p>
      </main>
    );
  }
  const { record, counts } = dash;
  const sealed = record.sealed_at !== null;

  return (
    <main id="incident-dashboard" className="dashboard">
      <section className="dash-top">
        <ol className="phase-steps" aria-label="NIST phase">
          {vocab.phases.map((p) => (
            <li key={p} className={p === record.details.phase ? 'current' : undefined}>
              {phaseLabel(p)}
            </li>
          ))}
        </ol>
        <div id="dash-counts" className="dash-counts">
          <Count n={counts.events} label="events" />
          <Count n={counts.evidence} label="evidence" />
          <Count n={counts.issues} label="import issues" />
          <Count n={counts.actions} label={`actions (${counts.actions_open} open)`} />
          <Count n={counts.follow_ups} label={`follow-ups (${counts.follow_ups_open} open)`} />
          <Count n={counts.notifications} label="notifications sent" />
        </div>
      </section>

      <section className="dash-card">
        <h2>Milestones</h2>
        <ol id="milestone-strip" className="milestone-strip">
          {vocab.milestones.map((kind) => {
            const m = record.milestones.find((x) => x.kind === kind);
            return (
              <li key={kind} className={m ? 'milestone set' : 'milestone'} data-kind={kind}>
                <span className="milestone-dot" aria-hidden="true" />
                <span className="milestone-kind">{humanize(kind)}</span>
                <span className="milestone-at mono">{m ? formatTs(m.at) : '—'}</span>
                {m?.event_id != null && <span className="muted milestone-src">event #{m.event_id}</span>}
              </li>
            );
          })}
        </ol>
      </section>

      <div className="dash-row">
        <section className="dash-card metrics-card">
          <h2>Metrics</h2>
          <table id="metrics" className="kv">
            <tbody>
              {dash.metrics.metrics.map((m) => (
                <tr key={m.name} title={`${humanize(m.from)} → ${humanize(m.to)}`}>
                  <th scope="row">{m.label}</th>
                  <td className="mono">{m.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {dash.metrics.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
        </section>

        <section className="dash-card deadlines-card">
          <h2>
            Notification deadlines{' '}
            <span className="muted">
              ({record.regimes.length === 0 ? 'no regimes chosen: see Details' : record.regimes.join(', ')})
            </span>
          </h2>
          {dash.deadlines.length > 0 && (
            <IncidentDeadlines deadlines={dash.deadlines} nowMs={nowMs} readOnly={sealed} change={change} />
          )}
        </section>
      </div>

      <section className="dash-card">
        <nav className="tabs" aria-label="Edit the incident record">
          {TABS.map((t) => (
            <button
              key={t}
              type="button"
              id={`tab-${t}`}
              className={t === tab ? 'tab current' : 'tab'}
              onClick={() => setTab(t)}
            >
              {humanize(t)}
            </button>
          ))}
          {sealed && <span className="badge sealed">sealed: read only</span>}
        </nav>
        {tab === 'details' && (
          <IncidentDetailsForm
            key={`details-${JSON.stringify(record.details)}-${record.regimes.join(',')}`}
            record={record}
            vocab={vocab}
            regimesKnown={dash.regimes_known}
            readOnly={sealed}
            change={change}
          />
        )}
        {tab === 'milestones' && <IncidentMilestones record={record} vocab={vocab} readOnly={sealed} change={change} />}
        {tab === 'actions' && <IncidentActions record={record} vocab={vocab} readOnly={sealed} change={change} />}
        {tab === 'follow-ups' && <IncidentFollowUps record={record} vocab={vocab} readOnly={sealed} change={change} />}
        {tab === 'lessons' && (
          <IncidentLessons key={`lessons-${JSON.stringify(record.lessons)}`} record={record} vocab={vocab} readOnly={sealed} change={change} />
        )}
        {tab === 'notifications' && (
          <IncidentNotifications record={record} vocab={vocab} readOnly={sealed} change={change} />
        )}
      </section>
    </main>
  );
}

/** How each edit screen reports a change: run it, show the notice, reload. */
export type Change = (what: () => Promise<unknown>, notice: string, headerToo?: boolean) => Promise<boolean>;

function Count({ n, label }: { n: number; label: string }) {
  return (
    <span className="dash-count">
      <span className="mono">{formatCount(n)}</span> {label}
    </span>
  );
}

function phaseLabel(phase: string): string {
  switch (phase) {
    case 'preparation':
      return 'Preparation';
    case 'detection_analysis':
      return 'Detection & Analysis';
    case 'containment_eradication_recovery':
      return 'Containment, Eradication & Recovery';
    case 'post_incident':
      return 'Post-Incident Activity';
    default:
      return humanize(phase);
  }
}
