// The one error type the UI sees. Rust commands reject with `{ code, message }`; Tauri itself
// rejects with a bare string (unknown command, bad arguments); outside Tauri there is no backend.
// `toApiError` folds all of these into `ApiError` so components only ever handle one shape.

export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Code used when the page runs outside the Tauri shell (plain browser, tests). */
export const NO_BACKEND = 'no_backend';
/** Code Rust uses when `cancel_import` stopped an import. */
export const CANCELLED = 'cancelled';

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(code, message);
    }
    if (err instanceof Error) return new ApiError('internal', err.message);
  }
  if (typeof err === 'string') return new ApiError('backend', err);
  return new ApiError('unknown', `Unexpected error: ${String(err)}`);
}

export function isCancelled(err: unknown): boolean {
  return err instanceof ApiError && err.code === CANCELLED;
}
