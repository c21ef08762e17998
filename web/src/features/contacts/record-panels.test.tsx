import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../../i18n/index';
import { SessionsPanel } from './record-panels';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function serve(routes: Record<string, unknown>) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = new URL(url, 'http://localhost').pathname;
      const body = routes[path];
      return body === undefined ? new Response('{"error":{"code":"not_found","message":"not found"}}', { status: 404 }) : new Response(JSON.stringify(body), { status: 200 });
    }),
  );
}

function renderWithRouter(element: React.ReactNode) {
  const router = createRouter({ routeTree: createRootRoute({ component: () => element }), history: createMemoryHistory({ initialEntries: ['/'] }) });
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe('SessionsPanel', () => {
  it('names each session’s flow by its name, linked to the editor, and offers Stop for an open session', async () => {
    serve({
      '/v1/sessions': { data: [{ id: 'ss_1', flow_id: 'fl_1', status: 'waiting', step_id: 'pause', created_at: '2026-12-01T10:00:00Z' }], next_cursor: null },
      '/v1/flows': { data: [{ id: 'fl_1', name: 'Welcome follow-up' }] },
    });
    renderWithRouter(<SessionsPanel filters={{ contact_id: 'ct_1' }} />);
    const link = await screen.findByRole('link', { name: 'Welcome follow-up' });
    expect(link.getAttribute('href')).toBe('/flows/fl_1');
    expect(screen.getByRole('button', { name: 'Stop: ss_1' })).toBeTruthy();
  });

  it('shows the flow’s id while the flow list is unavailable', async () => {
    serve({ '/v1/sessions': { data: [{ id: 'ss_1', flow_id: 'fl_9', status: 'completed', step_id: null, created_at: '2026-12-01T10:00:00Z' }], next_cursor: null } });
    renderWithRouter(<SessionsPanel filters={{ contact_id: 'ct_1' }} />);
    expect(await screen.findByRole('link', { name: 'fl_9' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Stop/ })).toBeNull();
  });
});
