import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { errorMessage } from './error-state';

describe('errorMessage', () => {
  it('shows the server’s message with the field it points at', () => {
    expect(errorMessage(new ApiError(400, 'invalid_workspace', 'unknown IANA timezone', 'timezone'), 'x')).toBe('unknown IANA timezone (timezone)');
  });

  it('lists the details of a request with several bad fields', () => {
    const error = new ApiError(400, 'invalid_request', 'invalid request', undefined, [
      { path: 'name', message: 'required' },
      { path: 'email', message: 'expected an email' },
    ]);
    expect(errorMessage(error, 'x')).toBe('invalid request: name: required; email: expected an email');
  });

  it('never shows a stack trace or the text of other errors', () => {
    expect(errorMessage(new TypeError('Failed to fetch at foo.js:1:2'), 'Could not reach the server')).toBe('Could not reach the server');
  });
});
