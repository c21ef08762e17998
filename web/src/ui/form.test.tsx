/**
 * Form errors are worded when shown: a field's error from the schema and a server's answer both
 * change language with the switch, without submitting again.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../api/client';
import { initI18n, setLanguage } from '../i18n/index';
import { FormAlert, FormField, useSubmit, useZodForm } from './form';
import { Input } from './input';

const schema = z.object({ name: z.string().min(1), email: z.string() });

function TestForm({ fail }: { fail: () => Promise<never> }) {
  const form = useZodForm(schema, { name: '', email: '' });
  const submit = useSubmit(form, fail);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FormField form={form} name="name" label="Name">
        <Input />
      </FormField>
      <FormField form={form} name="email" label="Email">
        <Input />
      </FormField>
      <FormAlert form={form} />
      <button type="submit">Save</button>
    </form>
  );
}

const never = () => Promise.reject(new Error('not called'));

beforeAll(async () => {
  await initI18n('en');
});
afterEach(async () => {
  cleanup();
  await act(() => setLanguage('en'));
});
afterAll(async () => {
  await setLanguage('en');
});

describe('form errors', () => {
  it('re-words a schema error when the language changes', async () => {
    render(<TestForm fail={never} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(await screen.findByText('Required.')).toBeTruthy();
    await act(() => setLanguage('zh-CN'));
    expect(screen.queryByText('Required.')).toBeNull();
    expect(screen.getByText('此项必填。')).toBeTruthy();
    await act(() => setLanguage('zh-TW'));
    expect(screen.queryByText('此项必填。')).toBeNull();
  });

  it('re-words a server field error and a form-wide failure when the language changes', async () => {
    const fieldError = new ApiError(400, 'invalid_request', 'email: expected an email address', 'email', [
      { path: 'email', message: 'expected an email address', code: 'email' },
    ]);
    const { unmount } = render(<TestForm fail={() => Promise.reject(fieldError)} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Ada' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(await screen.findByText('Expected an email address')).toBeTruthy();
    await act(() => setLanguage('zh-CN'));
    expect(screen.getByText('应为电子邮件地址')).toBeTruthy();
    unmount();

    await act(() => setLanguage('en'));
    render(<TestForm fail={() => Promise.reject(new ApiError(409, 'flow_name_taken', 'a flow named "x" exists'))} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Ada' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    const english = (await screen.findByRole('alert')).textContent;
    expect(english).toMatch(/flow/i);
    await act(() => setLanguage('zh-TW'));
    expect(screen.getByRole('alert').textContent).toBe('已有其他流程使用此名稱。');
  });
});
