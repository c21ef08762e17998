import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import { initI18n } from '../../i18n/index';
import type { Overview } from './home-api';
import { HomePage } from './home-page';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = (role: 'staff' | 'admin') => ({
  user: { id: 'us_1', email: 'ada@example.com', name: 'Ada', role, two_factor_enabled: false, created_at: '2026-01-01T00:00:00Z' },
  workspace: { id: 'ws_1', name: 'Salon', timezone: 'UTC', plan: 'pro', flow_limit: 6, sender_email: null, country: null, require_two_factor: false },
  csrf_token: 'csrf-1',
  two_factor_setup_required: false,
});

const OVERVIEW: Overview = {
  scheduled: { today: 2, tomorrow: 1 },
  upcoming: [
    {
      id: 'tr_1',
      kind: 'trigger',
      flow_id: 'fl_r',
      flow_name: 'Reminder',
      step_id: 'remind',
      session_id: null,
      due_at: '2026-11-23T15:00:00.000Z',
      appointment: { id: 'ap_1', external_id: 'b1', start_at: '2026-11-24T15:00:00.000Z', service_name: 'Haircut' },
      contact: { id: 'ct_1', name: 'Grace Hopper', email: 'grace@example.com', phone: null },
    },
    {
      id: 'ss_2',
      kind: 'step',
      flow_id: 'fl_w',
      flow_name: 'Welcome',
      step_id: 'thanks',
      session_id: 'ss_2',
      due_at: '2026-11-23T16:00:00.000Z',
      appointment: null,
      contact: { id: 'ct_2', name: null, email: 'b@example.com', phone: null },
    },
  ],
  sends_7d: { sent: 2, failed: 1, skipped: 0 },
  needs_attention: [
    { kind: 'delivery_failed', id: 'dl_1', session_id: 'ss_9', flow_id: 'fl_h', flow_name: 'Hook', at: '2026-11-23T09:00:00.000Z', message: 'HTTP 400: bad' },
    { kind: 'session_failed', id: 'ss_8', session_id: 'ss_8', flow_id: 'fl_u', flow_name: 'Update', at: '2026-11-23T08:00:00.000Z', message: 'template error' },
  ],
  plan: { plan: 'pro', flow_limit: 6, live_flows: 3 },
  timezone: 'UTC',
};

type Handler = (init: RequestInit | undefined) => Response;
const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderHome(role: 'staff' | 'admin', routes: Record<string, Handler>) {
  const fetch = vi.fn(async (input: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${new URL(input, 'http://localhost').pathname}`;
    const handler = routes[key] ?? json(404, { error: { code: 'not_found', message: `no route for ${key}` } });
    return handler(init);
  });
  vi.stubGlobal('fetch', fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData(queryKeys.me(), me(role));
  const root = createRootRoute();
  const router = createRouter({ routeTree: root.addChildren([createRoute({ getParentRoute: () => root, path: '/', component: HomePage })]), history: createMemoryHistory() });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router as never} />
    </QueryClientProvider>,
  );
  return fetch;
}

describe('Home', () => {
  it('lists what runs today and tomorrow with its flow, step, contact and appointment, and links to the rest', async () => {
    renderHome('staff', { 'GET /v1/overview': json(200, { data: OVERVIEW }) });
    const panel = (await screen.findByRole('heading', { name: 'Coming up today and tomorrow' })).closest('section')!;
    const [reminder, step] = within(panel).getAllByRole('listitem');
    expect(within(reminder!).getByRole('link', { name: 'Reminder' }).getAttribute('href')).toBe('/flows/fl_r');
    within(reminder!).getByText('step remind');
    within(reminder!).getByText('Starts when due');
    expect(within(reminder!).getByRole('link', { name: 'Grace Hopper' }).getAttribute('href')).toBe('/contacts/ct_1');
    expect(within(reminder!).getByRole('link', { name: 'Haircut' }).getAttribute('href')).toBe('/appointments/ap_1');
    expect(reminder!.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-23T15:00:00.000Z');
    expect(within(step!).getByRole('link', { name: 'Open session' }).getAttribute('href')).toBe('/sessions/ss_2');
    within(step!).getByRole('link', { name: 'b@example.com' });
    // Three are due, two are listed.
    expect(within(panel).getByRole('link', { name: 'See all waiting sessions' }).getAttribute('href')).toBe('/sessions?status=waiting');
    // Staff cannot retry.
    expect(screen.queryByRole('button', { name: /Send again/ })).toBeNull();
  });

  it('says so when nothing is due, and offers no link to more', async () => {
    renderHome('staff', { 'GET /v1/overview': json(200, { data: { ...OVERVIEW, scheduled: { today: 0, tomorrow: 0 }, upcoming: [] } }) });
    const panel = (await screen.findByRole('heading', { name: 'Coming up today and tomorrow' })).closest('section')!;
    within(panel).getByText('Nothing is scheduled for today or tomorrow.');
    expect(within(panel).queryByRole('link')).toBeNull();
  });

  it('lets an admin send a failed send again, and shows why when the server refuses', async () => {
    let answer = json(409, { error: { code: 'not_retryable', message: 'delivery dl_1 cannot be retried: its flow is archived' } });
    const fetch = renderHome('admin', {
      'GET /v1/overview': json(200, { data: OVERVIEW }),
      'POST /v1/deliveries/dl_1/retry': () => answer(),
    });
    const button = await screen.findByRole('button', { name: 'Send again in Hook' });
    // Only a failed send can be sent again; a failed session is a link to its page.
    expect(screen.getAllByRole('button', { name: /^Send again/ })).toHaveLength(1);
    fireEvent.click(button);
    await screen.findByText('delivery dl_1 cannot be retried: its flow is archived');
    answer = json(202, { data: { delivery_id: 'dl_1', session_id: 'ss_9' } });
    fireEvent.click(button);
    await screen.findByText('Sending again: the step runs again shortly.');
    expect(fetch.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(2);
  });
});
