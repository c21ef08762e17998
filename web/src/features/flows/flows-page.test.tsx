import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import type { Me } from '../../api/session';
import { initI18n } from '../../i18n/index';
import { FlowsPage } from './flows-page';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const FLOWS = [
  {
    id: 'fl_1',
    name: 'Welcome',
    status: 'active',
    version: 3,
    created_at: '2026-12-01T10:00:00Z',
    updated_at: '2026-12-01T10:00:00Z',
    trigger: { event: 'signup' },
    sessions: { active: 2, waiting: 5, completed: 40, failed: 1 },
  },
  {
    id: 'fl_2',
    name: 'Reminder',
    status: 'draft',
    version: 1,
    created_at: '2026-12-01T10:00:00Z',
    updated_at: '2026-12-01T10:00:00Z',
    trigger: { appointment: { anchor: 'start', before: '24h' } },
    sessions: {},
  },
];

describe('FlowsPage', () => {
  it('renders every row from one list request: triggers and session counts included', async () => {
    const fetch = vi.fn(async (_url: string) => new Response(JSON.stringify({ data: FLOWS }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(queryKeys.me(), { user: { role: 'staff' }, workspace: { flow_limit: 6 } } as unknown as Me);
    const router = createRouter({ routeTree: createRootRoute({ component: FlowsPage }), history: createMemoryHistory({ initialEntries: ['/'] }) });
    render(
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );

    const welcome = (await screen.findByRole('link', { name: 'Welcome' })).closest('tr')!;
    expect(within(welcome).getByText('On event signup')).toBeTruthy();
    expect(within(welcome).getByText('7 active · 40 completed · 1 failed')).toBeTruthy();
    const reminder = screen.getByRole('link', { name: 'Reminder' }).closest('tr')!;
    expect(within(reminder).getByText('24h before the appointment starts')).toBeTruthy();
    expect(within(reminder).getByText('0 active · 0 completed · 0 failed')).toBeTruthy();
    expect(screen.getByText('1 of 6 live flows')).toBeTruthy();

    expect(fetch.mock.calls.map(([url]) => url)).toEqual([expect.stringMatching(/^\/v1\/flows\?include=counts$/)]);
  });
});
