import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import { initI18n } from '../../i18n/index';
import { WorkspaceSettings } from './workspace-settings';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const WORKSPACE = {
  id: 'ws_1', name: 'Salon', plan: 'pro', flow_limit: 6, timezone: 'UTC', sender_email: null, country: null, require_two_factor: false,
  retention_events_days: 90, retention_deliveries_days: null, retention_outbox_days: 30, created_at: '2026-01-01T00:00:00.000Z',
};

function renderAs(role: 'admin' | 'staff') {
  const patches: unknown[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      if (init?.method === 'PATCH') {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        patches.push(body);
        return new Response(JSON.stringify({ data: { ...WORKSPACE, ...body } }), { status: 200 });
      }
      if (path === '/v1/auth/me') return new Response(JSON.stringify({ data: { user: { role } } }), { status: 200 });
      if (path === '/v1/workspace') return new Response(JSON.stringify({ data: WORKSPACE }), { status: 200 });
      return new Response(JSON.stringify({ data: { email: { transport: 'outbox', smtp_host: null, default_from: 'Nudge <n@localhost>' }, outbound_allow: [] } }), { status: 200 });
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me(), { user: { role } });
  render(
    <QueryClientProvider client={client}>
      <WorkspaceSettings />
    </QueryClientProvider>,
  );
  return patches;
}

describe('workspace retention settings', () => {
  it('shows each retention in days, empty for forever, and saves changes as numbers or null', async () => {
    const patches = renderAs('admin');
    const events = (await screen.findByLabelText('Keep events (days)')) as HTMLInputElement;
    expect(events.value).toBe('90');
    expect((screen.getByLabelText('Keep delivery logs (days)') as HTMLInputElement).value).toBe('');
    fireEvent.change(events, { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Keep delivery logs (days)'), { target: { value: '14' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved.', { exact: false });
    expect(patches[0]).toMatchObject({ retention_events_days: null, retention_deliveries_days: 14, retention_outbox_days: 30 });
  });

  it('refuses a retention of zero days before sending it', async () => {
    const patches = renderAs('admin');
    const outbox = await screen.findByLabelText('Keep outbox emails (days)');
    fireEvent.change(outbox, { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(outbox.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(outbox.getAttribute('aria-describedby')!.split(' ').at(-1)!)?.textContent).toBeTruthy();
    expect(patches).toEqual([]);
  });

  it('lets staff read but not change them', async () => {
    renderAs('staff');
    // Disabled through the form's fieldset (jsdom does not apply it to :disabled).
    expect((await screen.findByLabelText('Keep events (days)')).closest('fieldset[disabled]')).not.toBeNull();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });
});
