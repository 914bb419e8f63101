// The records an import could not read, 100 at a time: of the items of the last import, or of
// one evidence item (from the evidence panel or the import's file list). Each row names the
// evidence, the locator and the reason; click or Enter opens it in the issue drawer, Up/Down
// move between rows. Issue text comes from the evidence: React text only.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import * as api from '../api/api';
import { toApiError, type ApiError } from '../api/errors';
import type { IssueInfo } from '../api/types';
import { plural } from '../lib/format';
import { issuePlan, rangeText, type IssuePart } from '../lib/importText';

/** Which issues the list shows. */
export type IssueScope = { title: string; parts: IssuePart[] };

export const ISSUE_PAGE = 100;

type Props = {
  scope: IssueScope;
  selectedId: number | null;
  onOpen: (issue: IssueInfo) => void;
  onClose: () => void;
  onError: (err: unknown) => void;
};

type Loaded = { offset: number; issues: IssueInfo[] } | { offset: number; error: ApiError };

export function ImportIssues({ scope, selectedId, onOpen, onClose, onError }: Props) {
  const [offset, setOffset] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const { total, requests } = issuePlan(scope.parts, offset, ISSUE_PAGE);

  useEffect(() => {
    let live = true;
    const plan = issuePlan(scope.parts, offset, ISSUE_PAGE);
    Promise.all(plan.requests.map((r) => api.importIssues(r.evidenceId, r.offset, r.limit))).then(
      (pages) => live && setLoaded({ offset, issues: pages.flatMap((p) => p.issues) }),
      (err: unknown) => {
        if (!live) return;
        const apiErr = toApiError(err);
        setLoaded({ offset, error: apiErr });
        onError(apiErr);
      },
    );
    return () => {
      live = false;
    };
  }, [scope, offset, onError]);

  const current = loaded?.offset === offset ? loaded : null;

  /** Up/Down move the focus between the rows. */
  const onKey = (e: KeyboardEvent<HTMLOListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('.issue-row') ?? []);
    const at = rows.indexOf(document.activeElement as HTMLButtonElement);
    const next = rows[Math.min(Math.max(at + (e.key === 'ArrowDown' ? 1 : -1), 0), rows.length - 1)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  return (
    <section className="panel issues-panel" aria-label="Import issues">
      <div className="issues-head">
        <strong>{scope.title}</strong>
        <span className="muted">{plural(total, 'issue')}</span>
        <span className="issues-pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(offset - ISSUE_PAGE, 0))}>
            Previous {ISSUE_PAGE}
          </button>
          <span className="muted">{rangeText(offset, current && 'issues' in current ? current.issues.length : 0, total)}</span>
          <button type="button" disabled={offset + ISSUE_PAGE >= total} onClick={() => setOffset(offset + ISSUE_PAGE)}>
            Next {ISSUE_PAGE}
          </button>
        </span>
        <button type="button" className="dismiss" aria-label="Close the import issues" onClick={onClose}>
          ×
        </button>
      </div>
      {current === null && requests.length > 0 && <p className="muted panel-body">Loading…</p>}
      {current && 'error' in current && <p className="field-error panel-body">Could not load the issues: {current.error.message}</p>}
      {current && 'issues' in current && (
        <ol id="import-issues" className="issue-list" start={offset + 1} ref={listRef} onKeyDown={onKey}>
          {current.issues.map((issue) => (
            <li key={issue.id}>
              <button
                type="button"
                className={issue.id === selectedId ? 'issue-row selected' : 'issue-row'}
                aria-current={issue.id === selectedId ? 'true' : undefined}
                onClick={() => onOpen(issue)}
              >
                <span className="issue-evidence">{issue.evidence_name}</span>
                <span className="issue-locator mono">{issue.locator}</span>
                <span className="issue-reason">{issue.reason}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
