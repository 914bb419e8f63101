// The event drawer's "Set milestone" control: marks a milestone (awareness, contained, ...) at
// this event's time, linking the event.

import { useEffect, useState } from 'react';
import * as inc from '../api/incident';
import type { Milestone } from '../api/incident';
import { humanize } from '../lib/countdown';

type Props = {
  eventId: number;
  onSet: (m: Milestone) => void;
  onError: (err: unknown) => void;
};

export function IncidentMilestoneControl({ eventId, onSet, onError }: Props) {
  const [kinds, setKinds] = useState<string[]>([]);
  const [kind, setKind] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    inc.incidentVocabulary().then(
      (v) => {
        if (!live) return;
        setKinds(v.milestones);
        setKind((k) => k || (v.milestones[0] ?? ''));
      },
      (err: unknown) => live && onError(err),
    );
    return () => {
      live = false;
    };
  }, [onError]);

  const set = async () => {
    setBusy(true);
    try {
      onSet(await inc.setMilestone(kind, { eventId }));
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="milestone-control">
      <label>
        Milestone{' '}
        <select id="milestone-kind" value={kind} onChange={(e) => setKind(e.target.value)} disabled={kinds.length === 0}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {humanize(k)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" id="set-milestone-btn" disabled={busy || kind === ''} onClick={() => void set()}>
        Set milestone at this event
      </button>
    </div>
  );
}
