import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { initI18n, setLanguage } from '../i18n/index';
import { errorMessage, fieldErrorText } from './error-state';

beforeAll(async () => {
  await initI18n('en');
});
afterAll(async () => {
  await setLanguage('en');
});

describe('errorMessage', () => {
  it('words the error by its code, with the field it points at', () => {
    const details = [{ path: 'timezone', message: 'unknown IANA timezone', code: 'timezone' }];
    expect(errorMessage(new ApiError(400, 'invalid_workspace', 'timezone: unknown IANA timezone', 'timezone', details), 'x')).toBe(
      'The workspace settings are not valid. timezone: Unknown time zone',
    );
  });

  it('lists the details of a request with several bad fields', () => {
    const error = new ApiError(400, 'invalid_request', 'invalid request', undefined, [
      { path: 'name', message: 'required', code: 'required' },
      { path: 'email', message: 'expected an email address', code: 'email' },
    ]);
    expect(errorMessage(error, 'x')).toBe('The request is not valid. name: Required; email: Expected an email address');
  });

  it('speaks the UI language, not the server’s', async () => {
    await setLanguage('zh-TW');
    const error = new ApiError(400, 'invalid_flow', 'name: Too small', 'name', [{ path: 'name', message: 'Too small', code: 'too_small', params: { origin: 'string', minimum: 1 } }]);
    expect(errorMessage(error, 'x')).toBe('流程有需要修正的問題。 name: 至少 1 個字元');
    expect(fieldErrorText(error, 'name')).toBe('至少 1 個字元');
    expect(fieldErrorText(error, 'other')).toBeUndefined();
    expect(errorMessage(new ApiError(409, 'flow_name_taken', 'a flow named "x" exists', 'name'), 'x')).toBe('已有其他流程使用此名稱。');
    await setLanguage('en');
  });

  it('never shows a stack trace or the text of other errors', () => {
    expect(errorMessage(new TypeError('Failed to fetch at foo.js:1:2'), 'Could not reach the server')).toBe('Could not reach the server');
  });
});
