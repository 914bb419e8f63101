// Unit tests of the error normalisation at the Rust boundary.
import { describe, expect, it } from 'vitest';
import { ApiError, isCancelled, toApiError } from './errors';

describe('toApiError', () => {
  it('keeps the code and message Rust sends', () => {
    const err = toApiError({ code: 'not_found', message: 'no event 42' });
    expect(err).toBeInstanceOf(ApiError);
    expect([err.code, err.message]).toEqual(['not_found', 'no event 42']);
  });

  it('wraps Tauri string rejections and JS errors', () => {
    expect(toApiError('command timeline_page not found').code).toBe('backend');
    const fromError = toApiError(new TypeError('x is undefined'));
    expect([fromError.code, fromError.message]).toEqual(['internal', 'x is undefined']);
    expect(toApiError(undefined).code).toBe('unknown');
  });

  it('returns an ApiError unchanged', () => {
    const err = new ApiError('cancelled', 'import cancelled');
    expect(toApiError(err)).toBe(err);
    expect(isCancelled(err)).toBe(true);
    expect(isCancelled(new ApiError('io', 'x'))).toBe(false);
  });
});
