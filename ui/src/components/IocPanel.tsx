// The IOC panel: import an indicator list (a path typed or chosen in a dialog), sweep the case,
// and the case's indicators with their hits (events) and first/last seen. Clicking an indicator
// with hits filters the timeline to its hit events; clicking it again (or "Show all events")
// clears that filter. Indicator values are attacker-supplied text: React text only.

import { useCallback, useEffect, useState } from 'react';
import * as api from '../api/api';
import type { IndicatorInfo, IocImportReport, IocSweepReport } from '../api/types';
import { formatCount, formatTs, plural } from '../lib/format';
import './IocPanel.css';

type Props = {
  /** The indicator the timeline is filtered to, if any. */
  selectedId: number | null;
  onSelect: (indicator: IndicatorInfo | null) => void;
  /** Hits changed (a sweep ran): the timeline must reload. */
  onSwept: () => void;
  onError: (err: unknown) => void;
};

export function IocPanel({ selectedId, onSelect, onSwept, onError }: Props) {
  const [indicators, setIndicators] = useState<IndicatorInfo[]>([]);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<IocImportReport | null>(null);
  const [swept, setSwept] = useState<IocSweepReport | null>(null);

  const reload = useCallback(async () => {
    try {
      setIndicators(await api.iocList());
    } catch (err) {
      onError(err);
    }
  }, [onError]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const work = async (job: () => Promise<void>) => {
    setBusy(true);
    try {
      await job();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const importList = (file: string) =>
    work(async () => {
      setImported(await api.iocImport(file));
      await reload();
    });

  const chooseFile = () =>
    work(async () => {
      const picked = await api.pickIocList();
      if (picked === null) return;
      setPath(picked);
      setImported(await api.iocImport(picked));
      await reload();
    });

  const sweep = () =>
    work(async () => {
      setSwept(await api.iocSweep());
      await reload();
      onSwept();
    });

  const withHits = indicators.filter((i) => i.hits > 0).length;

  return (
    <details className="panel ioc" open>
      <summary>
        Indicators <span className="muted">({plural(indicators.length, 'indicator')}, {formatCount(withHits)} with hits)</span>
      </summary>
      <div className="panel-body">
        <div className="ioc-toolbar">
          <input
            id="ioc-path"
            type="text"
            placeholder="Path of an indicator list (text, CSV, STIX 2.1, MISP JSON)"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            disabled={busy}
          />
          <button id="ioc-import-btn" type="button" disabled={busy || path.trim() === ''} onClick={() => void importList(path.trim())}>
            Import list
          </button>
          <button type="button" disabled={busy} onClick={() => void chooseFile()}>
            Choose file…
          </button>
          <button id="ioc-sweep-btn" type="button" className="primary" disabled={busy || indicators.length === 0} onClick={() => void sweep()}>
            {busy ? 'Working…' : 'Sweep all events'}
          </button>
          {selectedId !== null && (
            <button id="ioc-clear" type="button" className="link-button" onClick={() => onSelect(null)}>
              Show all events
            </button>
          )}
        </div>
        {imported && (
          <p id="ioc-import-summary" className="muted">
            {imported.file} ({imported.format}): {formatCount(imported.entries)} entries, {formatCount(imported.indicators)} indicators (
            {formatCount(imported.new_indicators)} new), {formatCount(imported.rejected.length)} not indicators,{' '}
            {formatCount(imported.skipped)} comments or blank
            {imported.rejected.length > 0 && (
              <span className="ioc-rejected">
                {' — '}
                {imported.rejected.slice(0, 3).map((r) => `${r.locator}: ${r.reason}`).join('; ')}
                {imported.rejected.length > 3 ? '; …' : ''}
              </span>
            )}
          </p>
        )}
        {swept && (
          <p id="ioc-sweep-summary" className="muted">
            Swept {formatCount(swept.events)} events for {plural(swept.indicators, 'indicator')}: {formatCount(swept.events_hit)} events hit,{' '}
            {formatCount(swept.field_hits)} hits ({formatCount(swept.new_hits)} new)
          </p>
        )}
        {indicators.length === 0 ? (
          <p className="muted">No indicators yet: import a list.</p>
        ) : (
          <div className="ioc-scroll">
            <table id="ioc-table" className="ioc-table">
              <thead>
                <tr>
                  <th>Type</th>
                  <th>Value</th>
                  <th className="num">Hits</th>
                  <th>First seen (UTC)</th>
                  <th>Last seen (UTC)</th>
                  <th>Lists</th>
                </tr>
              </thead>
              <tbody>
                {indicators.map((ind) => {
                  const selected = ind.id === selectedId;
                  return (
                    <tr
                      key={ind.id}
                      data-ioc-id={ind.id}
                      className={`${selected ? 'selected ' : ''}${ind.hits > 0 ? 'has-hits' : 'no-hits'}`}
                      aria-selected={selected}
                      tabIndex={ind.hits > 0 ? 0 : -1}
                      title={ind.hits > 0 ? 'Show only the events this indicator hit' : 'No hits'}
                      onClick={() => ind.hits > 0 && onSelect(selected ? null : ind)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && ind.hits > 0) onSelect(selected ? null : ind);
                      }}
                    >
                      <td>{ind.type}</td>
                      <td className="mono ioc-value">{ind.value}</td>
                      <td className="num mono">{formatCount(ind.hits)}</td>
                      <td className="mono">{ind.first_seen ? formatTs(ind.first_seen) : '—'}</td>
                      <td className="mono">{ind.last_seen ? formatTs(ind.last_seen) : '—'}</td>
                      <td className="muted">{ind.lists}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </details>
  );
}
