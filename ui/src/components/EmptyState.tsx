// Shown when no case is open: while asking Rust, when no case is open, or when the backend
// cannot be reached at all (e.g. the page is opened outside the desktop app).

import type { ApiError } from '../api/errors';
import { NO_BACKEND } from '../api/errors';

type Props = {
  loading: boolean;
  failure: ApiError | null;
  busy: boolean;
  onOpenCase: () => void;
};

export function EmptyState({ loading, failure, busy, onOpenCase }: Props) {
  if (loading) {
    return (
      <main className="empty-state">
        <p>Loading case…</p>
      </main>
    );
  }
  if (failure) {
    return (
      <main className="empty-state">
        <h2>Could not load the case</h2>
        <p>{failure.message}</p>
        {failure.code === NO_BACKEND ? (
          <p className="muted">Start Tideline from the desktop app to work on a case.</p>
        ) : (
          <p className="muted">
            Error code <code>{failure.code}</code>. Try opening the case again.
          </p>
        )}
      </main>
    );
  }
  return (
    <main className="empty-state">
      <h2>No case is open</h2>
      <p>
        Create a new case with <strong>New case…</strong>, or open an existing <code>.tideline</code> case
        file.
      </p>
      <button type="button" disabled={busy} onClick={onOpenCase}>
        Open case…
      </button>
    </main>
  );
}
