// The query bar: one line in the timeline query language (the backend parses it; a bad
// query comes back as an error naming the character). Enter runs it; the last queries are
// offered as suggestions (kept in localStorage); "?" opens the syntax help.

import { useEffect, useState, type KeyboardEvent } from 'react';
import { remember } from '../lib/timelineQuery';

const HISTORY_KEY = 'tideline.queryHistory';

function loadHistory(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

const HELP: Array<[string, string]> = [
  ['failed "accepted password"', 'text in the message (case-insensitive)'],
  ['host:bastion-01  host:db-*', 'field equals value (case-insensitive, * wildcard)'],
  ['host:a,b  source:(syslog, evtx)', 'any of the values'],
  ['user:/^r.o/  message:/port 5\\d+/i', 'regular expression'],
  ['ts:2026-03-14  ts:2026-03-14T02:40..2026-03-14T02:45', 'a day, a range (both ends included)'],
  ['after:2026-03-14T02  before:2026-03-15', 'from / strictly before a time (UTC)'],
  ['id>=100  code>=4624  ts<2026-03-14T03', 'comparisons'],
  ['evidence:auth.log  evidence:3  ip:203.0.113.45', 'evidence by name or id; either IP'],
  ['tag:c2  is:tagged  is:starred  has:note  verdict:malicious', 'annotations'],
  ['ioc:12  ioc:(3,4)  is:hit  tag:ioc', 'IOC sweep hits (◆ in the table)'],
  ['a b   a OR b   NOT a   -a   (a OR b) c', 'AND is implicit; capitals only'],
];

type Props = {
  onApply: (query: string) => void;
  error: string | null;
  /** A query set from outside; each change replaces the text. */
  preset?: string | null;
};

export function TimelineQueryBar({ onApply, error, preset = null }: Props) {
  const [text, setText] = useState('');
  useEffect(() => setText(preset ?? ''), [preset]);
  const [history, setHistory] = useState<string[]>(loadHistory);
  const [help, setHelp] = useState(false);

  const run = () => {
    const next = remember(history, text);
    setHistory(next);
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    } catch {
      // private mode: history just is not kept
    }
    onApply(text.trim());
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      run();
    }
  };

  return (
    <div className="query-bar" role="search">
      <input
        id="q"
        className="mono grow"
        type="search"
        value={text}
        list="q-history"
        placeholder='Query: host:bastion-01 "failed password" ts:2026-03-14 (Enter)'
        spellCheck={false}
        autoComplete="off"
        aria-label="Timeline query"
        aria-invalid={error !== null}
        aria-describedby={error !== null ? 'q-error' : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <datalist id="q-history">
        {history.map((h) => (
          <option key={h} value={h} />
        ))}
      </datalist>
      <button type="button" id="q-run" onClick={run}>
        Search
      </button>
      <button type="button" id="q-help-btn" aria-expanded={help} onClick={() => setHelp((h) => !h)} title="Query syntax">
        ?
      </button>
      {error !== null && (
        <span id="q-error" className="field-error">
          {error}
        </span>
      )}
      {help && (
        <div id="q-help" className="query-help" role="dialog" aria-label="Query syntax">
          <table>
            <tbody>
              {HELP.map(([example, meaning]) => (
                <tr key={example}>
                  <td className="mono">{example}</td>
                  <td>{meaning}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Times are UTC unless they carry Z or an offset. More in the README.</p>
        </div>
      )}
    </div>
  );
}
