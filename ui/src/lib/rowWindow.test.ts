// Unit tests of the split of very long timelines into scrollable windows.
import { describe, expect, it } from 'vitest';
import { rowWindow } from './rowWindow';

describe('rowWindow', () => {
  it('gives one window holding everything when the total fits', () => {
    expect(rowWindow(1234, 0)).toEqual({ index: 0, count: 1, start: 0, rows: 1234 });
  });

  it('gives one empty window for an empty timeline', () => {
    expect(rowWindow(0, 3)).toEqual({ index: 0, count: 1, start: 0, rows: 0 });
  });

  it('splits ten million rows into windows of half a million with a short last one', () => {
    expect(rowWindow(10_200_000, 20)).toEqual({ index: 20, count: 21, start: 10_000_000, rows: 200_000 });
    expect(rowWindow(10_200_000, 4)).toEqual({ index: 4, count: 21, start: 2_000_000, rows: 500_000 });
  });

  it('clamps a window number out of range', () => {
    expect(rowWindow(250, 7, 100)).toEqual({ index: 2, count: 3, start: 200, rows: 50 });
    expect(rowWindow(250, -1, 100).index).toBe(0);
  });
});
