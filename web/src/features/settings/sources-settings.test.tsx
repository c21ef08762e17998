import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import { initI18n } from '../../i18n/index';
import { SourcesSettings } from './sources-settings';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const SOURCE = {
  id: 'so_1',
  kind: 'generic',
  name: 'Booking app',
  url: 'https://nudge.example.com/hooks/abc',
  config: { verification: { scheme: 'standard' }, mapping: { name: 'appointment.created' } },
  created_at: '2026-11-23T09:00:00Z',
  rotated_at: null,
  last_delivery: { id: 'sd_1', received_at: '2026-11-23T09:05:00Z', outcome: 'duplicate', reason: 'sd_0', status_code: 200, verified: true, vendor_event: null, event_ids: [], replay_of: null },
};
const DELIVERY = { ...SOURCE.last_delivery, body: '{"type":"booking.created"}', headers: {} };

function renderAs(role: 'owner' | 'admin' | 'staff', responses: Record<string, unknown>) {
  const calls: Array<{ method: string; url: string; body: unknown }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      const path = new URL(url, 'http://localhost').pathname;
      return new Response(JSON.stringify(responses[`${init?.method ?? 'GET'} ${path}`] ?? {}), { status: 200 });
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me(), { user: { role } });
  render(
    <QueryClientProvider client={client}>
      <SourcesSettings />
    </QueryClientProvider>,
  );
  return calls;
}

describe('sources settings', () => {
  it('lists sources with their URL and last outcome; creating one shows its secret once', async () => {
    const created = { ...SOURCE, id: 'so_2', kind: 'calcom', name: 'Cal', last_delivery: null, secret: 'the-secret' };
    const calls = renderAs('admin', { 'GET /v1/sources': { data: [SOURCE] }, 'POST /v1/sources': { data: created } });
    expect(await screen.findByText('https://nudge.example.com/hooks/abc')).toBeTruthy();
    expect(screen.getByText('duplicate')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Cal' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create source' }));
    expect(await screen.findByText('the-secret')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ kind: 'calcom', name: 'Cal' });
  });

  it('asks Acuity for its credentials instead of making a secret', async () => {
    const calls = renderAs('owner', { 'GET /v1/sources': { data: [] }, 'POST /v1/sources': { data: { ...SOURCE, kind: 'acuity' } } });
    fireEvent.change(await screen.findByLabelText('Booking system'), { target: { value: 'acuity' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Acuity' } });
    fireEvent.change(screen.getByLabelText('Acuity user ID'), { target: { value: '123' } });
    fireEvent.change(screen.getByLabelText('Acuity API key'), { target: { value: 'key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create source' }));
    expect(await screen.findByText(/stored encrypted/)).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ kind: 'acuity', name: 'Acuity', credentials: { user_id: '123', api_key: 'key' } });
  });

  it('asks for new Acuity credentials in a dialog form when rotating, and sends them', async () => {
    const acuity = { ...SOURCE, kind: 'acuity', name: 'Acuity' };
    const calls = renderAs('owner', { 'GET /v1/sources': { data: [acuity] }, 'POST /v1/sources/so_1/rotate': { data: acuity } });
    fireEvent.click(await screen.findByRole('button', { name: 'Rotate secret: Acuity' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate secret: Acuity' });
    // Both fields are required: nothing is sent while one is blank.
    fireEvent.change(screen.getByLabelText(/New Acuity user ID/), { target: { value: '123' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await within(dialog).findByText('Enter the new value.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    fireEvent.change(screen.getByLabelText(/New Acuity API key/), { target: { value: 'new-key' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ credentials: { user_id: '123', api_key: 'new-key' } }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('cancels a credential rotation without sending anything', async () => {
    const calls = renderAs('owner', { 'GET /v1/sources': { data: [{ ...SOURCE, kind: 'square', name: 'Square' }] } });
    fireEvent.click(await screen.findByRole('button', { name: 'Rotate secret: Square' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('shows staff the deliveries and the mapping preview but no create, rotate, delete or replay', async () => {
    const preview = { data: { outcome: 'invalid', vendor_event: null, issues: [{ path: 'mapping.contact.email', message: 'required' }] } };
    renderAs('staff', { 'GET /v1/sources': { data: [SOURCE] }, 'GET /v1/sources/so_1/deliveries': { data: [DELIVERY] }, 'POST /v1/sources/so_1/preview': preview });
    fireEvent.click(await screen.findByRole('button', { name: 'Deliveries: Booking app' }));
    expect(await screen.findByText('sd_0')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create source' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Rotate secret/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Delete/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Replay/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Body: sd_1' }));
    expect(screen.getByLabelText('Body').textContent).toContain('booking.created');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText('mapping.contact.email')).toBeTruthy();
  });
});
