import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import { initI18n } from '../../i18n/index';
import { ContactRightsActions } from './contact-rights';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderAs(role: 'owner' | 'admin' | 'staff', responses: Record<string, { status?: number; body: unknown }>) {
  const calls: Array<{ url: string; method: string }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, method: init?.method ?? 'GET' });
      const r = responses[url.split('?')[0]!] ?? { status: 404, body: { error: { code: 'not_found', message: 'not found' } } };
      return new Response(JSON.stringify(r.body), { status: r.status ?? 200 });
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me(), { user: { role } });
  render(
    <QueryClientProvider client={client}>
      <ContactRightsActions contactId="ct_1" />
    </QueryClientProvider>,
  );
  return calls;
}

const ERASED = { contact_id: 'ct_1', erased_now: true, erased_at: '2026-12-01T10:00:00.000Z', sessions_stopped: 2, counts: { contacts: 1 } };

describe('contact data rights', () => {
  it('erases only after a confirmation that says it cannot be undone', async () => {
    const calls = renderAs('admin', { '/v1/contacts/ct_1/erase': { body: { data: ERASED } } });
    fireEvent.click(screen.getByRole('button', { name: 'Erase' }));
    const dialog = await screen.findByRole('dialog', { name: 'Erase this contact?' });
    expect(dialog.textContent).toContain('This is irreversible.');
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Keep the contact' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Erase' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Erase permanently' }));
    expect((await screen.findByRole('status')).textContent).toBe('Contact erased. Flows stopped: 2.');
    expect(calls[0]).toEqual({ url: '/v1/contacts/ct_1/erase', method: 'POST' });
  });

  it('says so when the erasure fails, and keeps the dialog open', async () => {
    renderAs('owner', { '/v1/contacts/ct_1/erase': { status: 503, body: { error: { code: 'database_unavailable', message: 'down' } } } });
    fireEvent.click(screen.getByRole('button', { name: 'Erase' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Erase permanently' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The contact could not be erased. Nothing was changed. Try again.');
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('downloads the export as a JSON file', async () => {
    const created: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), 'blob:x'), revokeObjectURL: () => undefined }));
    renderAs('admin', { '/v1/contacts/ct_1/export': { body: { data: { contact_id: 'ct_1', events: [] } } } });
    fireEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    await vi.waitFor(() => expect(created).toHaveLength(1));
    expect(JSON.parse(await created[0]!.text())).toEqual({ contact_id: 'ct_1', events: [] });
  });

  it('offers staff neither export nor erasure', () => {
    renderAs('staff', {});
    expect(screen.queryByRole('button')).toBeNull();
  });
});
