import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import { initI18n } from '../../i18n/index';
import { DeliverySettingsCard } from './delivery-settings';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderAs(role: 'owner' | 'admin' | 'staff', responses: Record<string, unknown>) {
  const calls: Array<{ url: string; body: unknown }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      const path = url.split('?')[0]!;
      return new Response(JSON.stringify(responses[path]), { status: 200 });
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me(), { user: { role } });
  render(
    <QueryClientProvider client={client}>
      <DeliverySettingsCard />
    </QueryClientProvider>,
  );
  return calls;
}

const SMTP = { data: { email: { transport: 'smtp', smtp_host: 'mail.example.com:587', default_from: 'Salon <hi@example.com>' }, outbound_allow: ['10.0.0.0/8'] } };

describe('delivery settings', () => {
  it('shows the transport, sender and allow-list, and sends a test email to the address typed', async () => {
    const calls = renderAs('admin', { '/v1/workspace/delivery': SMTP, '/v1/workspace/test-email': { data: { ok: true, transport: 'smtp' } } });
    expect(await screen.findByText('through the SMTP server mail.example.com:587')).toBeTruthy();
    expect(screen.getByText('Salon <hi@example.com>')).toBeTruthy();
    expect(screen.getByText('10.0.0.0/8')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Send a test email to'), { target: { value: 'owner@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send test email' }));
    expect((await screen.findByRole('status')).textContent).toBe('Sent. Check the inbox of owner@example.com.');
    expect(calls.at(-1)).toEqual({ url: '/v1/workspace/test-email', body: { to: 'owner@example.com' } });
  });

  it('says why a test email was not sent', async () => {
    renderAs('owner', { '/v1/workspace/delivery': SMTP, '/v1/workspace/test-email': { data: { ok: false, transport: 'smtp', error: 'SMTP: 550 mailbox unavailable' } } });
    fireEvent.change(await screen.findByLabelText('Send a test email to'), { target: { value: 'owner@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send test email' }));
    expect((await screen.findByRole('status')).textContent).toBe('Not sent: SMTP: 550 mailbox unavailable');
  });

  it('offers staff no test email', async () => {
    renderAs('staff', { '/v1/workspace/delivery': { data: { email: { transport: 'outbox', smtp_host: null, default_from: 'Nudge <nudge@localhost>' }, outbound_allow: [] } } });
    expect(await screen.findByText(/to the outbox/)).toBeTruthy();
    expect(screen.getByText('None: webhooks reach public addresses only.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Send test email' })).toBeNull();
  });
});
