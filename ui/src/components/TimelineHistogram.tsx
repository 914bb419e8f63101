// Events over time for the current query, as SVG bars above the table. Dragging across
// the bars selects a time range; releasing zooms the table to it (onZoom).

import { useEffect, useRef, useState, type PointerEvent } from 'react';
import * as api from '../api/api';
import type { Histogram } from '../api/types';
import { toApiError } from '../api/errors';
import { isoMicros } from '../lib/timelineQuery';

const HEIGHT = 64;
const MAX_BUCKETS = 120;

type Props = {
  query: string;
  /** Changes whenever the events or annotations may have changed. */
  version: string;
  onZoom: (from: number, to: number) => void;
  onError: (err: unknown) => void;
};

export function TimelineHistogram({ query, version, onZoom, onError }: Props) {
  const [hist, setHist] = useState<Histogram | null>(null);
  const [brush, setBrush] = useState<{ a: number; b: number } | null>(null);
  const svg = useRef<SVGSVGElement>(null);

  useEffect(() => {
    let live = true;
    api.timelineHistogram({ query, offset: 0, limit: 0 }, MAX_BUCKETS).then(
      (h) => live && setHist(h),
      (err: unknown) => {
        if (!live) return;
        setHist(null);
        // A bad query is shown by the query bar, not as an app error.
        if (toApiError(err).code !== 'bad_query') onError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [query, version, onError]);

  if (!hist || hist.buckets.length === 0) return <div className="tl-histogram empty" id="tl-histogram" />;
  const n = hist.buckets.length;
  const most = Math.max(1, ...hist.buckets.map((b) => b[1]));
  const width = 1000;
  const bw = width / n;
  const bucketAt = (e: PointerEvent<SVGSVGElement>) => {
    const rect = svg.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return Math.min(n - 1, Math.max(0, Math.floor(((e.clientX - rect.left) / rect.width) * n)));
  };
  const lo = brush ? Math.min(brush.a, brush.b) : -1;
  const hi = brush ? Math.max(brush.a, brush.b) : -1;
  const step = hist.bucket_seconds * 1_000_000;
  const first = hist.buckets[0]![0];
  const last = hist.buckets[n - 1]![0] + step - 1;

  return (
    <div className="tl-histogram" id="tl-histogram">
      <svg
        ref={svg}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Events over time, ${n} buckets of ${hist.bucket_seconds} s; drag to zoom`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const i = bucketAt(e);
          setBrush({ a: i, b: i });
        }}
        onPointerMove={(e) => {
          if (brush) setBrush({ ...brush, b: bucketAt(e) });
        }}
        onPointerUp={() => {
          if (brush) {
            const from = hist.buckets[lo]![0];
            const to = hist.buckets[hi]![0] + step - 1;
            setBrush(null);
            onZoom(from, to);
          }
        }}
      >
        {hist.buckets.map(([t, c], i) => {
          const h = c === 0 ? 0 : Math.max(1, (c / most) * (HEIGHT - 2));
          return (
            <rect key={t} x={i * bw + 0.5} y={HEIGHT - h} width={Math.max(0.5, bw - 1)} height={h} className={i >= lo && i <= hi ? 'bar brushed' : 'bar'}>
              <title>{`${isoMicros(t)}: ${c} events`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="tl-histogram-axis muted">
        <span>{isoMicros(first).slice(0, 19)}Z</span>
        <span>{hist.bucket_seconds >= 86_400 ? `${hist.bucket_seconds / 86_400} d` : hist.bucket_seconds >= 3600 ? `${hist.bucket_seconds / 3600} h` : hist.bucket_seconds >= 60 ? `${hist.bucket_seconds / 60} min` : `${hist.bucket_seconds} s`} per bar · drag to zoom</span>
        <span>{isoMicros(last).slice(0, 19)}Z</span>
      </div>
    </div>
  );
}
