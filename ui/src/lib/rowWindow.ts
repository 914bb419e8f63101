// Splits a very long timeline into windows of at most WINDOW_ROWS rows. Browsers cap an
// element's height near 33.5 million px (~1.2 million rows of 28 px), and past 2^24 px
// (~16.7 million) the compositor's float precision already misplaces the sticky header
// (seen in Chromium at 28 million px). 500,000 rows are 14 million px: safe. The table scrolls
// within one window and offers previous/next window buttons when there is more than one.

export const WINDOW_ROWS = 500_000;

export type RowWindow = {
  /** Window number, from 0. */
  index: number;
  /** How many windows the total needs (at least 1). */
  count: number;
  /** Timeline offset of the window's first row. */
  start: number;
  /** Rows in this window. */
  rows: number;
};

export function rowWindow(total: number, index: number, size = WINDOW_ROWS): RowWindow {
  const count = Math.max(1, Math.ceil(total / size));
  const i = Math.min(Math.max(Math.trunc(index), 0), count - 1);
  const start = i * size;
  return { index: i, count, start, rows: Math.max(0, Math.min(size, total - start)) };
}
