import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
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

const SAVED_WORKSPACE = { id: 'ws_1', name: 'Salon', plan: 'pro', flow_limit: null, timezone: 'UTC', sender_email: null, country: null,
  retention_events_days: null, retention_deliveries_days: null, retention_outbox_days: null, created_at: '2026-01-01T00:00:00Z' };

const DELIVERY = { email: { transport: 'outbox', smtp_host: null, default_from: 'Nudge <nudge@localhost>' }, outbound_allow: [] };

describe('workspace settings', () => {
  it('shows the values the server saved after Save, not the ones typed', async () => {
    // The server trims the name and upper-cases the country; it also answers with its own canonical sender.
    const saved = { ...SAVED_WORKSPACE, name: 'Salon Ada', country: 'GB', sender_email: 'Salon Ada <hi@example.com>' };
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === 'PATCH') bodies.push(JSON.parse(String(init.body)));
        const path = url.split('?')[0];
        const body =
          path === '/v1/workspace'
            ? { data: bodies.length > 0 ? saved : SAVED_WORKSPACE }
            : path === '/v1/workspace/delivery'
              ? { data: DELIVERY }
              : { data: { user: { role: 'owner' }, workspace: saved } };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(queryKeys.me(), { user: { role: 'owner' } });
    render(
      <QueryClientProvider client={client}>
        <WorkspaceSettings />
      </QueryClientProvider>,
    );
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    fireEvent.change(name, { target: { value: '  Salon Ada  ' } });
    fireEvent.change(screen.getByLabelText('Country'), { target: { value: 'gb' } });
    fireEvent.change(screen.getByLabelText('Sender'), { target: { value: 'Salon Ada <hi@example.com> ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(await screen.findByText('Saved.', { exact: false })).toBeTruthy();
    expect(bodies).toHaveLength(1);
    expect(name.value).toBe('Salon Ada');
    expect((screen.getByLabelText('Country') as HTMLInputElement).value).toBe('GB');
    expect((screen.getByLabelText('Sender') as HTMLInputElement).value).toBe('Salon Ada <hi@example.com>');
  });
});
