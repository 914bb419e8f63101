// Collapsible register of the evidence in the case: name, format, size, counts, when and by
// whom it was imported, and its SHA-256 (copyable; SHA-1 and MD5 in the tooltip). Also the
// event count per source format. An item's issue count opens the list of its issues.

import type { EvidenceInfo, ValueCount } from '../api/types';
import { formatBytes, formatCount, formatTs, orDash, plural } from '../lib/format';
import { CopyText } from './CopyText';

type Props = {
  evidence: EvidenceInfo[];
  sources: ValueCount[];
  /** Show the import issues of one evidence item. */
  onShowIssues: (evidence: EvidenceInfo) => void;
};

export function EvidencePanel({ evidence, sources, onShowIssues }: Props) {
  return (
    <details className="panel evidence" open={evidence.length > 0}>
      <summary>
        Evidence <span className="muted">({plural(evidence.length, 'file')})</span>
        {sources.length > 0 && (
          <span className="sources">
            {sources.map((s) => (
              <span key={s.value} className="source-count">
                {s.value} <span className="mono">{formatCount(s.count)}</span>
              </span>
            ))}
          </span>
        )}
      </summary>
      {evidence.length === 0 ? (
        <p className="muted panel-body">No evidence imported yet.</p>
      ) : (
        <div className="panel-body scroll-x">
          <table className="evidence-table">
            <thead>
              <tr>
                <th>File</th>
                <th>Format</th>
                <th className="num">Size</th>
                <th className="num">Events</th>
                <th className="num">Issues</th>
                <th>Imported (UTC)</th>
                <th>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {evidence.map((ev) => (
                <tr key={ev.id}>
                  <td title={ev.original_path}>{ev.file_name}</td>
                  <td>{orDash(ev.format)}</td>
                  <td className="num" title={`${formatCount(ev.size)} bytes`}>
                    {formatBytes(ev.size)}
                  </td>
                  <td className="num">{formatCount(ev.events)}</td>
                  <td className={ev.issues > 0 ? 'num warn' : 'num'}>
                    {ev.issues > 0 ? (
                      <button
                        type="button"
                        className="link-button warn"
                        aria-label={`Show the ${plural(ev.issues, 'issue')} of ${ev.file_name}`}
                        onClick={() => onShowIssues(ev)}
                      >
                        {formatCount(ev.issues)}
                      </button>
                    ) : (
                      formatCount(ev.issues)
                    )}
                  </td>
                  <td title={ev.acquired_at ? `Acquired ${formatTs(ev.acquired_at)} UTC` : undefined}>
                    {formatTs(ev.imported_at)} by {ev.imported_by}
                  </td>
                  <td>
                    <CopyText value={ev.sha256} label={`SHA-256 of ${ev.file_name}`} title={`SHA-1 ${ev.sha1}\nMD5 ${ev.md5}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
