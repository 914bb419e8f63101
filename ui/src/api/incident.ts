// The incident record's commands (issue #5): the dashboard, the vocabularies the edit screens
// offer, and every change. Types mirror the Rust serde shapes of tideline::incident; times are
// UTC RFC 3339 text ("2026-03-14T02:11:09.000000Z").

import { call } from './api';

export type Impact = {
  functional: string | null;
  information: string | null;
  recoverability: string | null;
};

export type Details = {
  title: string;
  summary: string;
  category: string;
  severity: string;
  status: string;
  phase: string;
  impact: Impact;
  retain_until: string | null;
  legal_hold: boolean;
  legal_hold_reason: string;
};

export type Person = { id: number; name: string; role: string; email: string; phone: string; notes: string };
export type Asset = { id: number; name: string; kind: string; notes: string };
export type AffectedParty = {
  id: number;
  kind: string;
  name: string;
  people_affected: number | null;
  records_affected: number | null;
  notes: string;
};
export type RelatedCase = { id: number; reference: string; relation: string; notes: string };

export type Milestone = {
  kind: string;
  at: string;
  source: 'manual' | 'event';
  event_id: number | null;
  note: string;
  set_by: string;
  set_at: string;
};

export type Approval = { id: number; approver: string; role: string | null; at: string; note: string };

export type Action = {
  id: number;
  what: string;
  kind: string;
  stage: string | null;
  status: string;
  owner: string;
  at: string | null;
  event_ids: number[];
  evidence_ids: number[];
  notes: string;
  approvals: Approval[];
  created_by: string;
  created_at: string;
};

export type FollowUp = {
  id: number;
  title: string;
  description: string;
  type: string;
  owner: string;
  priority: string;
  due: string | null;
  status: string;
  tracker: string;
  lesson: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
};

export type Lesson = { topic: string; question: string; answer: string; updated_by: string; updated_at: string };

export type NotificationSent = {
  id: number;
  rule: string;
  sent_at: string;
  recipient: string;
  channel: string;
  text: string;
  late_reason: string;
  recorded_by: string;
};

export type IncidentRecord = {
  case_id: string;
  details: Details;
  regimes: string[];
  people: Person[];
  assets: Asset[];
  affected: AffectedParty[];
  related: RelatedCase[];
  milestones: Milestone[];
  actions: Action[];
  follow_ups: FollowUp[];
  lessons: Lesson[];
  notifications: NotificationSent[];
  sealed_at: string | null;
};

export type Metric = { name: string; label: string; from: string; to: string; seconds: number | null; text: string };

export type DeadlineStatus = 'pending' | 'not_applicable' | 'due' | 'due_now' | 'overdue' | 'met' | 'late';

export type Deadline = {
  rule: string;
  regime: string;
  name: string;
  recipient: string;
  reference: string;
  status: DeadlineStatus;
  due: string | null;
  asap: boolean;
  basis: string;
  waiting_for: string | null;
  seconds: number | null;
  remaining: string;
  sent_at: string | null;
  notification_id: number | null;
  late_reason_required: boolean;
  late_reason: string;
  reason_missing: boolean;
  note: string;
};

export type DashboardCounts = {
  events: number;
  evidence: number;
  issues: number;
  actions: number;
  actions_open: number;
  follow_ups: number;
  follow_ups_open: number;
  lessons: number;
  notifications: number;
};

export type Dashboard = {
  now: string;
  record: IncidentRecord;
  metrics: { metrics: Metric[]; warnings: string[] };
  deadlines: Deadline[];
  counts: DashboardCounts;
  regimes_known: string[];
};

export type Vocabulary = {
  categories: string[];
  severities: string[];
  statuses: string[];
  phases: string[];
  functional_impacts: string[];
  information_impacts: string[];
  recoverabilities: string[];
  milestones: string[];
  roles: string[];
  action_kinds: string[];
  action_stages: string[];
  action_statuses: string[];
  follow_up_types: string[];
  follow_up_statuses: string[];
  priorities: string[];
  /** [topic, question] */
  lesson_topics: [string, string][];
  /** [rule id, rule name] */
  rules: [string, string][];
};

export type ActionInput = {
  what: string;
  kind: string;
  stage: string | null;
  status: string;
  owner: string;
  at: string | null;
  event_ids: number[];
  evidence_ids: number[];
  notes: string;
};

export type FollowUpInput = {
  title: string;
  description: string;
  type: string;
  owner: string;
  priority: string;
  due: string | null;
  status: string;
  tracker: string;
  lesson: string | null;
};

export type NotificationInput = {
  rule: string;
  sent_at: string;
  recipient: string;
  channel: string;
  text: string;
  late_reason: string;
};

export function incidentDashboard(): Promise<Dashboard> {
  return call<Dashboard>('incident_dashboard');
}

export function incidentVocabulary(): Promise<Vocabulary> {
  return call<Vocabulary>('incident_vocabulary');
}

export function updateDetails(details: Details): Promise<Details> {
  return call<Details>('incident_update_details', { details });
}

export function setRegimes(regimes: string[]): Promise<string[]> {
  return call<string[]>('incident_set_regimes', { regimes });
}

/** Set a milestone from a typed time (RFC 3339 or "YYYY-MM-DD HH:MM", UTC) or a timeline event. */
export function setMilestone(
  kind: string,
  from: { time: string } | { eventId: number },
  note = '',
): Promise<Milestone> {
  const args = 'eventId' in from ? { kind, eventId: from.eventId, note } : { kind, time: from.time, note };
  return call<Milestone>('incident_set_milestone', args);
}

export async function clearMilestone(kind: string): Promise<void> {
  await call<null>('incident_clear_milestone', { kind });
}

export function addAction(action: ActionInput): Promise<number> {
  return call<number>('incident_add_action', { action });
}

export async function updateAction(id: number, action: ActionInput): Promise<void> {
  await call<null>('incident_update_action', { id, action });
}

export function approveAction(id: number, approver: string, role: string | null, note = ''): Promise<number> {
  return call<number>('incident_approve_action', { id, approver, role, note });
}

export function addFollowUp(followUp: FollowUpInput): Promise<number> {
  return call<number>('incident_add_follow_up', { followUp });
}

export function updateFollowUp(id: number, followUp: FollowUpInput): Promise<FollowUp> {
  return call<FollowUp>('incident_update_follow_up', { id, followUp });
}

export async function setLesson(topic: string, answer: string): Promise<void> {
  await call<null>('incident_set_lesson', { topic, answer });
}

export function recordNotification(notification: NotificationInput): Promise<number> {
  return call<number>('incident_record_notification', { notification });
}

export function addPerson(person: Omit<Person, 'id'>): Promise<number> {
  return call<number>('incident_add_person', { person: { id: 0, ...person } });
}

export function addParty(party: Omit<AffectedParty, 'id'>): Promise<number> {
  return call<number>('incident_add_party', { party: { id: 0, ...party } });
}

export async function removeItem(list: 'person' | 'party' | 'asset' | 'related', id: number): Promise<void> {
  await call<null>('incident_remove_item', { list, id });
}

/** An action as it stands, as the input that would write it again. */
export function actionInput(a: Action): ActionInput {
  return {
    what: a.what,
    kind: a.kind,
    stage: a.stage,
    status: a.status,
    owner: a.owner,
    at: a.at,
    event_ids: a.event_ids,
    evidence_ids: a.evidence_ids,
    notes: a.notes,
  };
}

/** A follow-up item as it stands, as the input that would write it again. */
export function followUpInput(f: FollowUp): FollowUpInput {
  return {
    title: f.title,
    description: f.description,
    type: f.type,
    owner: f.owner,
    priority: f.priority,
    due: f.due,
    status: f.status,
    tracker: f.tracker,
    lesson: f.lesson,
  };
}
