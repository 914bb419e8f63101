// The timeline view's commands beyond paging: jump to a time, the events around one, and
// annotating every event of a query. Same rules as api.ts: rejects with ApiError only.

import { call } from './api';
import type { AnnotationChange, Annotated, TimelinePage, TimelineQuery } from './types';

/** Where a jump lands: the offset in the time-ordered view, and the time read (UTC µs). */
export type Jump = { offset: number; at: number };

/** Which neighbours "around this event" lists besides the time window. */
export type AroundSame = 'any' | 'host' | 'user';

/** The offset of the first event at or after `at` (typed in the query's display zone). */
export function timelineJump(query: TimelineQuery, at: string): Promise<Jump> {
  return call<Jump>('timeline_jump', { query, at });
}

/** The events within `beforeS`/`afterS` seconds of event `id`, in time order. */
export function timelineAround(
  id: number,
  beforeS: number,
  afterS: number,
  same: AroundSame,
  limit: number,
  zone: string | null,
): Promise<TimelinePage> {
  return call<TimelinePage>('timeline_around', { id, beforeS, afterS, same, limit, zone });
}

/**
 * Applies `change` to every event of the query; `expected` is the count the user confirmed
 * (the backend changes nothing when the query now matches another number).
 */
export function annotateQuery(query: TimelineQuery, expected: number, change: AnnotationChange): Promise<Annotated> {
  return call<Annotated>('annotate_query', { query, expected, change });
}
