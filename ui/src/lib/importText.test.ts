// Unit tests of the import bar's pure logic: path lists, choices, progress and summary lines,
// and the plan that pages through the issues of several evidence items.
import { describe, expect, it } from 'vitest';
import type { ImportProgress, ImportSummary } from '../api/types';
import {
  batchFraction,
  formatLabel,
  importReportLine,
  issuePlan,
  joinPaths,
  parseChoices,
  progressText,
  rangeText,
  splitPaths,
} from './importText';

const SHA = 'c27ecf19a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7';

function summary(over: Partial<ImportSummary> = {}): ImportSummary {
  return {
    path: '/evidence/bastion-01/auth.log',
    evidence_id: 1,
    sha256: SHA,
    format: 'syslog',
    gzip: false,
    events: 2824,
    issues: 0,
    skipped: 0,
    first_ts: '2026-03-14T02:11:09.000000Z',
    last_ts: '2026-03-14T18:19:33.000000Z',
    ...over,
  };
}

function progress(over: Partial<ImportProgress> = {}): ImportProgress {
  return {
    path: '/evidence/auth.log',
    file_index: 1,
    files_total: 1,
    bytes_done: 1536,
    bytes_total: 3 * 1024 * 1024,
    events: 12345,
    issues: 2,
    events_per_second: 8000,
    ...over,
  };
}

describe('splitPaths', () => {
  it('takes one path as it is, trimmed', () => {
    expect(splitPaths('  /var/log/auth.log  ')).toEqual(['/var/log/auth.log']);
    expect(splitPaths('C:\\Logs\\Security.evtx')).toEqual(['C:\\Logs\\Security.evtx']);
  });

  it('splits on newlines (Unix and Windows) and semicolons, dropping empty parts', () => {
    expect(splitPaths('/a/auth.log\n/b/syslog.gz\r\n\n/c/logs.zip')).toEqual(['/a/auth.log', '/b/syslog.gz', '/c/logs.zip']);
    expect(splitPaths('/a/auth.log; /b/dir ;;')).toEqual(['/a/auth.log', '/b/dir']);
    expect(splitPaths(' ; \n ')).toEqual([]);
    expect(splitPaths('')).toEqual([]);
  });

  it('keeps spaces inside a path and lists each path once, in order', () => {
    expect(splitPaths('/case files/a b.log\n/x.log\n/case files/a b.log')).toEqual(['/case files/a b.log', '/x.log']);
  });

  it('reads back what joinPaths writes', () => {
    const paths = ['/a/auth.log', '/b/my logs', 'C:\\x.evtx'];
    expect(joinPaths(paths)).toBe('/a/auth.log\n/b/my logs\nC:\\x.evtx');
    expect(splitPaths(joinPaths(paths))).toEqual(paths);
  });
});

describe('parseChoices', () => {
  it('sends null for empty fields', () => {
    expect(parseChoices('', '  ')).toEqual({ ok: true, choices: { year: null, tz: null } });
  });

  it('reads a four-digit year and a zone name', () => {
    expect(parseChoices(' 2025 ', ' Europe/Berlin ')).toEqual({ ok: true, choices: { year: 2025, tz: 'Europe/Berlin' } });
  });

  it('refuses a year that is not four digits and a zone with spaces', () => {
    for (const y of ['25', '20256', '2025.5', '-2025', 'abcd', '0999']) {
      expect(parseChoices(y, '')).toMatchObject({ ok: false, field: 'year' });
    }
    expect(parseChoices('', 'Europe / Berlin')).toMatchObject({ ok: false, field: 'tz' });
  });
});

describe('progressText', () => {
  it('names a lone file, its bytes, the counts so far and the rate', () => {
    expect(progressText(progress())).toBe(
      '/evidence/auth.log · 1.5 KiB of 3.0 MiB · 12,345 events, 2 issues so far · 8,000 events/s',
    );
  });

  it('says which file of the batch is read', () => {
    const text = progressText(progress({ path: '/e/dir/b.log', file_index: 2, files_total: 5, events: 1, issues: 0, events_per_second: 0 }));
    expect(text).toBe('file 2 of 5: /e/dir/b.log · 1.5 KiB of 3.0 MiB · 1 event, 0 issues so far · 0 events/s');
  });

  it('always contains "events" and " of " (the e2e test waits on them)', () => {
    const text = progressText(progress({ events: 0, bytes_done: 0, bytes_total: 0 }));
    expect(text).toContain('events');
    expect(text).toContain(' of ');
  });
});

describe('batchFraction', () => {
  it('is the bytes fraction for a lone file, null while its size is unknown', () => {
    expect(batchFraction(progress({ bytes_done: 25, bytes_total: 100 }))).toBe(0.25);
    expect(batchFraction(progress({ bytes_done: 0, bytes_total: 0 }))).toBeNull();
  });

  it('counts finished files whole and the current one by its bytes', () => {
    expect(batchFraction(progress({ file_index: 3, files_total: 4, bytes_done: 50, bytes_total: 100 }))).toBe(0.625);
    expect(batchFraction(progress({ file_index: 2, files_total: 4, bytes_done: 0, bytes_total: 0 }))).toBe(0.25);
    expect(batchFraction(progress({ file_index: 4, files_total: 4, bytes_done: 100, bytes_total: 100 }))).toBe(1);
  });
});

describe('importReportLine', () => {
  it('keeps the one-file line: name, counts and short sha256', () => {
    expect(importReportLine({ imported: [summary()], refused: [] })).toBe('auth.log: 2,824 events, 0 issues, sha256 c27ecf19a0b1…');
  });

  it('sums several files', () => {
    const report = {
      imported: [
        summary(),
        summary({ evidence_id: 2, path: '/e/malformed.log', events: 8, issues: 2 }),
        summary({ evidence_id: 3, path: '/e/a', events: 1000, issues: 0 }),
        summary({ evidence_id: 4, path: '/e/b', events: 92, issues: 0 }),
        summary({ evidence_id: 5, path: '/e/c', format: null, events: 0, issues: 0 }),
      ],
      refused: [],
    };
    expect(importReportLine(report)).toBe('5 files: 3,924 events, 2 issues');
  });

  it('counts refused paths, and says when nothing was imported', () => {
    const refused = [{ path: '/e/auth.log', code: 'duplicate', reason: 'already in the case' }];
    expect(importReportLine({ imported: [summary()], refused })).toBe('auth.log: 2,824 events, 0 issues, sha256 c27ecf19a0b1…; 1 refused');
    expect(importReportLine({ imported: [], refused })).toBe('Nothing imported; 1 refused');
    expect(importReportLine({ imported: [], refused: [] })).toBe('Nothing imported');
  });
});

describe('formatLabel', () => {
  it('names the format, marks gzip, and says when nothing parsed the item', () => {
    expect(formatLabel('syslog', false)).toBe('syslog');
    expect(formatLabel('syslog', true)).toBe('syslog (gzip)');
    expect(formatLabel(null, false)).toBe('not parsed');
  });
});

describe('issuePlan', () => {
  const parts = [
    { evidenceId: 7, count: 150 },
    { evidenceId: 8, count: 0 },
    { evidenceId: 9, count: 30 },
  ];

  it('reads a page inside one item with one call', () => {
    expect(issuePlan(parts, 0, 100)).toEqual({ total: 180, requests: [{ evidenceId: 7, offset: 0, limit: 100 }] });
  });

  it('splits a page that spans two items and skips items without issues', () => {
    expect(issuePlan(parts, 100, 100).requests).toEqual([
      { evidenceId: 7, offset: 100, limit: 50 },
      { evidenceId: 9, offset: 0, limit: 30 },
    ]);
  });

  it('asks for nothing past the end', () => {
    expect(issuePlan(parts, 200, 100).requests).toEqual([]);
    expect(issuePlan([], 0, 100)).toEqual({ total: 0, requests: [] });
  });
});

describe('rangeText', () => {
  it('shows the rows in view and the total', () => {
    expect(rangeText(0, 100, 250)).toBe('1–100 of 250');
    expect(rangeText(200, 50, 250)).toBe('201–250 of 250');
    expect(rangeText(0, 0, 0)).toBe('0 of 0');
  });
});
