// The timeline toolbar's tools: the column chooser and "Export view…".

import { useState } from 'react';
import * as api from '../api/api';
import type { ExportFormat } from '../api/types';

export type ColumnChoice = { key: string; label: string };

type ColumnsProps = {
  columns: ColumnChoice[];
  visible: ReadonlySet<string>;
  onToggle: (key: string) => void;
};

export function TimelineColumns({ columns, visible, onToggle }: ColumnsProps) {
  return (
    <details className="tl-columns" id="tl-columns">
      <summary>Columns</summary>
      <div className="tl-columns-list">
        {columns.map((c) => (
          <label key={c.key}>
            <input type="checkbox" checked={visible.has(c.key)} onChange={() => onToggle(c.key)} /> {c.label}
          </label>
        ))}
      </div>
    </details>
  );
}

const FORMATS: Array<[ExportFormat, string, string]> = [
  ['csv', 'CSV', 'timeline.csv'],
  ['jsonl', 'JSON lines', 'timeline.jsonl'],
  ['timesketch-jsonl', 'Timesketch JSONL', 'timesketch.jsonl'],
  ['timesketch-csv', 'Timesketch CSV', 'timesketch.csv'],
  ['parquet', 'Parquet by day (folder)', 'timeline-parquet'],
];

type ExportProps = { query: string; sort: string | null; onDone: (message: string) => void; onError: (err: unknown) => void };

export function TimelineExport({ query, sort, onDone, onError }: ExportProps) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const run = async () => {
    try {
      const name = FORMATS.find((f) => f[0] === format)?.[2] ?? 'timeline';
      const path = await api.pickExportPath(name);
      if (path === null) return;
      const s = await api.exportTimeline({ query, sort, offset: 0, limit: 0 }, format, path);
      onDone(`Exported ${s.events} events to ${path}${s.skipped ? ` (${s.skipped} without a time left out)` : ''}`);
    } catch (err) {
      onError(err);
    }
  };
  return (
    <span className="tl-export">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
        {FORMATS.map(([f, label]) => (
          <option key={f} value={f}>
            {label}
          </option>
        ))}
      </select>
      <button type="button" id="export-btn" onClick={() => void run()}>
        Export view…
      </button>
    </span>
  );
}
