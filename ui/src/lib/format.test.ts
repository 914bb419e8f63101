// Unit tests of the display formatting helpers.
import { describe, expect, it } from 'vitest';
import {
  baseName,
  fileSlug,
  formatBytes,
  formatCount,
  formatTs,
  importSummaryLine,
  orDash,
  plural,
  progressFraction,
  shortHash,
} from './format';

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(10_000_000)).toBe('10,000,000');
  });
});

describe('plural', () => {
  it('uses the singular only for exactly one', () => {
    expect(plural(1, 'event')).toBe('1 event');
    expect(plural(0, 'event')).toBe('0 events');
    expect(plural(1234, 'issue')).toBe('1,234 issues');
  });
});

describe('formatBytes', () => {
  it('shows exact bytes below 1 KiB and one decimal in binary units above', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1,023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GiB');
    expect(formatBytes(2 * 1024 ** 5)).toBe('2048.0 TiB');
  });
});

describe('formatTs', () => {
  it('shows a UTC RFC 3339 time with a space and keeps the microseconds', () => {
    expect(formatTs('2026-03-14T02:11:09.000000Z')).toBe('2026-03-14 02:11:09.000000');
    expect(formatTs('2026-03-14T02:11:09Z')).toBe('2026-03-14 02:11:09');
    expect(formatTs('2026-03-14T02:11:09.5+00:00')).toBe('2026-03-14 02:11:09.5');
  });

  it('shows a missing time as a dash and anything unexpected unchanged', () => {
    expect(formatTs(null)).toBe('—');
    expect(formatTs('2026-03-14T02:11:09+02:00')).toBe('2026-03-14T02:11:09+02:00');
    expect(formatTs('yesterday')).toBe('yesterday');
  });
});

describe('shortHash', () => {
  it('cuts long hashes to a prefix with an ellipsis', () => {
    expect(shortHash('abcdef0123456789abcdef')).toBe('abcdef012345…');
    expect(shortHash('abcd', 12)).toBe('abcd');
    expect(shortHash('abcdef', 4)).toBe('abcd…');
  });
});

describe('baseName', () => {
  it('takes the last component of Unix and Windows paths', () => {
    expect(baseName('/var/log/auth.log')).toBe('auth.log');
    expect(baseName('C:\\Windows\\System32\\winevt\\Logs\\Security.evtx')).toBe('Security.evtx');
    expect(baseName('auth.log')).toBe('auth.log');
  });
});

describe('importSummaryLine', () => {
  it('names the file, the counts with separators and a short sha256', () => {
    expect(
      importSummaryLine({
        path: '/evidence/auth.log',
        evidence_id: 3,
        sha256: 'abcd1234ef567890abcd1234ef567890abcd1234ef567890abcd1234ef567890',
        format: 'syslog',
        gzip: false,
        events: 1234,
        issues: 2,
        skipped: 0,
        first_ts: null,
        last_ts: null,
      }),
    ).toBe('auth.log: 1,234 events, 2 issues, sha256 abcd1234ef56…');
  });
});

describe('progressFraction', () => {
  it('is done/total clamped to [0, 1], or null while the size is unknown', () => {
    expect(progressFraction(50, 200)).toBe(0.25);
    expect(progressFraction(300, 200)).toBe(1);
    expect(progressFraction(0, 0)).toBeNull();
  });
});

describe('orDash', () => {
  it('shows null, undefined and empty text as a dash', () => {
    expect(orDash(null)).toBe('—');
    expect(orDash(undefined)).toBe('—');
    expect(orDash('')).toBe('—');
    expect(orDash('root')).toBe('root');
  });
});

describe('fileSlug', () => {
  it('makes a lowercase dash-separated file name from a title', () => {
    expect(fileSlug('Breach at ACME, 2026')).toBe('breach-at-acme-2026');
    expect(fileSlug('  Ünïcode   ')).toBe('unicode');
    expect(fileSlug('***')).toBe('case');
  });
});
