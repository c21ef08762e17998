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

const WORKSPACE = { id: 'ws_1', name: 'Salon', plan: 'pro', flow_limit: null, timezone: 'UTC', sender_email: null, country: null, created_at: '2026-01-01T00:00:00Z' };

const DELIVERY = { email: { transport: 'outbox', smtp_host: null, default_from: 'Nudge <nudge@localhost>' }, outbound_allow: [] };

describe('workspace settings', () => {
  it('shows the values the server saved after Save, not the ones typed', async () => {
    // The server trims the name and upper-cases the country; it also answers with its own canonical sender.
    const saved = { ...WORKSPACE, name: 'Salon Ada', country: 'GB', sender_email: 'Salon Ada <hi@example.com>' };
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === 'PATCH') bodies.push(JSON.parse(String(init.body)));
        const path = url.split('?')[0];
        const body =
          path === '/v1/workspace'
            ? { data: bodies.length > 0 ? saved : WORKSPACE }
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
