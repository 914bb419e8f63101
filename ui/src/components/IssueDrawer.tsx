// Side panel with one import issue: the evidence it came from, where in it (locator), why it
// could not be read, and the raw record. All of it is attacker-controlled text: React text only.

import type { IssueInfo } from '../api/types';
import { orDash } from '../lib/format';
import { CopyText } from './CopyText';
import './EventDrawer.css';

type Props = { issue: IssueInfo; onClose: () => void };

export function IssueDrawer({ issue, onClose }: Props) {
  return (
    <aside id="issue-detail" className="drawer" aria-label={`Import issue ${issue.id}`}>
      <div className="drawer-head">
        <h2>Import issue</h2>
        <button type="button" className="dismiss" aria-label="Close issue detail" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="drawer-body">
        <p className="detail-message warn">{issue.reason}</p>

        <h3>Provenance</h3>
        <table className="kv">
          <tbody>
            <tr>
              <th scope="row">evidence</th>
              <td>
                {issue.evidence_name} <span className="muted">(#{issue.evidence_id})</span>
              </td>
            </tr>
            <tr>
              <th scope="row">locator</th>
              <td>
                <CopyText value={issue.locator} label="locator" />
              </td>
            </tr>
            <tr>
              <th scope="row">reason</th>
              <td>{issue.reason}</td>
            </tr>
          </tbody>
        </table>

        <h3>Raw record</h3>
        <pre className="raw">{orDash(issue.raw)}</pre>
      </div>
    </aside>
  );
}
