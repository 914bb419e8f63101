// The error line (id "error", role alert) and the notice line (role status) under the header.
// Error text comes from Rust and may quote log content: rendered as React text only.

import type { ApiError } from '../api/errors';

type Props = {
  error: ApiError | null;
  notice: string | null;
  onDismissError: () => void;
  onDismissNotice: () => void;
};

export function Messages({ error, notice, onDismissError, onDismissNotice }: Props) {
  return (
    <div className="messages">
      {error && (
        <div id="error" role="alert" className="message error">
          <span className="message-text">
            <strong>Error</strong> <code className="error-code">{error.code}</code> {error.message}
          </span>
          <button type="button" className="dismiss" aria-label="Dismiss error" onClick={onDismissError}>
            ×
          </button>
        </div>
      )}
      {notice && (
        <div role="status" className="message notice">
          <span className="message-text">{notice}</span>
          <button type="button" className="dismiss" aria-label="Dismiss message" onClick={onDismissNotice}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
