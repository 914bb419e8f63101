// Side panel with everything known about one event: the canonical columns, how its time was
// read (ts_source, ts_quality), where it came from (evidence name, sha256, locator), its other
// attributes, and the raw record. All of it is attacker-controlled text: React text only.

import { useEffect, useState, type ReactNode } from 'react';
import * as api from '../api/api';
import { toApiError, type ApiError } from '../api/errors';
import type { EventDetail } from '../api/types';
import { formatTs, orDash } from '../lib/format';
import { CopyText } from './CopyText';
import { IncidentMilestoneControl } from './IncidentMilestoneControl';
import type { Milestone } from '../api/incident';
import { IocEventHits } from './IocEventHits';
import './EventDrawer.css';
import { EventAnnotations } from './EventAnnotations';
import { EventAround } from './EventAround';

type Props = {
  id: number;
  /** Changes when the event's annotations or IOC hits may have changed: it is read again. */
  version?: string;
  /** Display zone of the "around this event" list. */
  zone?: string;
  /** Opens another event (from the "around this event" list). */
  onOpen?: (id: number) => void;
  onClose: () => void;
  onError: (err: unknown) => void;
  /** Offer "Set milestone" at this event; called with the milestone once set. */
  onMilestoneSet?: (m: Milestone) => void;
};

type Loaded = { id: number; detail: EventDetail } | { id: number; error: ApiError };

/** Attribute values are arbitrary JSON: strings as they are, everything else as JSON text. */
function attrText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function Field({ name, value, mono = true }: { name: string; value: string | number | null; mono?: boolean }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className={mono ? 'mono' : undefined}>{value === null ? '—' : String(value)}</td>
    </tr>
  );
}

export function EventDrawer({ id, version = '', zone = 'UTC', onOpen, onClose, onError, onMilestoneSet }: Props) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let live = true;
    api.eventDetail(id).then(
      (detail) => live && setLoaded({ id, detail }),
      (err: unknown) => {
        if (!live) return;
        const apiErr = toApiError(err);
        setLoaded({ id, error: apiErr });
        onError(apiErr);
      },
    );
    return () => {
      live = false;
    };
  }, [id, version, onError]);

  const current = loaded?.id === id ? loaded : null;

  return (
    <aside id="event-detail" className="drawer" aria-label={`Event ${id}`}>
      <div className="drawer-head">
        <h2>Event {id}</h2>
        <button type="button" className="dismiss" aria-label="Close event detail" onClick={onClose}>
          ×
        </button>
      </div>
      {current === null && <p className="muted">Loading…</p>}
      {current && 'error' in current && <p className="field-error">Could not load this event: {current.error.message}</p>}
      {current && 'detail' in current && onMilestoneSet && current.detail.ts !== null && (
        <IncidentMilestoneControl eventId={id} onSet={onMilestoneSet} onError={onError} />
      )}
      {current && 'detail' in current && <IocEventHits id={id} version={version} onError={onError} />}
      {current && 'detail' in current && (
        <DetailBody
          d={current.detail}
          around={
            current.detail.ts !== null && onOpen ? (
              <EventAround id={id} version={version} zone={zone} onOpen={onOpen} onError={onError} />
            ) : null
          }
        />
      )}
    </aside>
  );
}

function DetailBody({ d, around }: { d: EventDetail; around: ReactNode }) {
  const attrs = Object.entries(d.attrs ?? {});
  return (
    <div className="drawer-body">
      <p className="detail-message">{d.message}</p>
      <EventAnnotations d={d} />

      <h3>Time</h3>
      <table className="kv">
        <tbody>
          <Field name="ts (UTC)" value={formatTs(d.ts)} />
          <Field name="ts_source" value={d.ts_source} />
          <tr>
            <th scope="row">ts_quality</th>
            <td className={d.ts_quality === 'exact' ? 'mono' : 'mono warn'}>{d.ts_quality}</td>
          </tr>
        </tbody>
      </table>

      <h3>Event</h3>
      <table className="kv">
        <tbody>
          <Field name="id" value={d.id} />
          <Field name="source" value={d.source} />
          <Field name="host" value={d.host} />
          <Field name="user" value={d.user} />
          <Field name="src_ip" value={d.src_ip} />
          <Field name="dst_ip" value={d.dst_ip} />
          <Field name="process" value={d.process} />
          <Field name="event_code" value={d.event_code} />
          <Field name="action" value={d.action} />
          <Field name="severity" value={d.severity} />
          <Field name="message" value={d.message} mono={false} />
        </tbody>
      </table>

      {around}

      <h3>Provenance</h3>
      <table className="kv">
        <tbody>
          <Field name="evidence" value={`${d.evidence_name} (#${d.evidence_id})`} mono={false} />
          <tr>
            <th scope="row">sha256</th>
            <td>
              <CopyText value={d.evidence_sha256} label="evidence SHA-256" />
            </td>
          </tr>
          <tr>
            <th scope="row">locator</th>
            <td>
              <CopyText value={d.locator} label="locator" />
            </td>
          </tr>
        </tbody>
      </table>

      <h3>Attributes</h3>
      {attrs.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="kv">
          <tbody>
            {attrs.map(([k, v]) => (
              <Field key={k} name={k} value={attrText(v)} />
            ))}
          </tbody>
        </table>
      )}

      <h3>Raw record</h3>
      <pre className="raw">{orDash(d.raw)}</pre>
    </div>
  );
}
