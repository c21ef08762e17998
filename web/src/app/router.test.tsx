import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n/index';
import { createAppRouter } from './router';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ME = {
  user: { id: 'us_1', email: 'ada@example.com', name: 'Ada', role: 'staff', two_factor_enabled: false, created_at: '2026-01-01T00:00:00Z' },
  workspace: { id: 'ws_1', name: 'Salon Lumière', timezone: 'Europe/Paris', plan: 'pro', flow_limit: 6, sender_email: null, country: null, require_two_factor: true },
  csrf_token: 'csrf-1',
  two_factor_setup_required: false,
};

function serve(routes: Record<string, () => Response>) {
  const fetch = vi.fn(async (input: string) => {
    const path = new URL(input, 'http://localhost').pathname;
    return (routes[path] ?? (() => new Response(JSON.stringify({ error: { code: 'not_found', message: `no route for GET ${path}` } }), { status: 404 })))();
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderAt(path: string) {
  const history = createMemoryHistory({ initialEntries: [path] });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createAppRouter(queryClient, history);
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

describe('the signed-in guard', () => {
  it('sends a visitor without a session to sign-in, remembering where they were going', async () => {
    serve({ '/v1/auth/me': json(401, { error: { code: 'unauthenticated', message: 'sign in first' } }) });
    const router = renderAt('/sessions?status=failed');
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toEqual({ next: '/sessions?status=failed' });
  });

  it('forces the two-factor setup page while the workspace requires it', async () => {
    serve({
      '/v1/auth/me': json(200, { data: { ...ME, two_factor_setup_required: true } }),
      '/v1/auth/two-factor/setup': json(200, { data: { secret: 'JBSWY3DPEHPK3PXP', otpauth_url: 'otpauth://totp/Nudge:ada?secret=JBSWY3DPEHPK3PXP&issuer=Nudge' } }),
    });
    const router = renderAt('/flows');
    await screen.findByRole('heading', { name: 'Set up two-factor sign-in' });
    expect(router.state.location.pathname).toBe('/two-factor-setup');
    await screen.findByText('JBSWY3DPEHPK3PXP');
  });

  it('shows the shell with the workspace, and only the settings sections a staff member may open', async () => {
    serve({ '/v1/auth/me': json(200, { data: ME }), '/v1/workspace': json(200, { data: { ...ME.workspace, created_at: '2026-01-01T00:00:00Z' } }) });
    renderAt('/settings');
    // Three chunks load in turn here (the shell, the settings layout, the page): under load that takes a while.
    await screen.findByRole('heading', { name: 'Workspace' }, { timeout: 5000 });
    expect(screen.getByText('Salon Lumière')).toBeTruthy();
    const sections = screen.getByRole('navigation', { name: 'Settings sections' });
    expect([...sections.querySelectorAll('a')].map((a) => a.textContent)).toEqual(['Workspace', 'Sources', 'Security']);
  });

  it('shows the not-found page for an unknown address', async () => {
    serve({ '/v1/auth/me': json(200, { data: ME }) });
    renderAt('/no/such/page');
    await screen.findByRole('heading', { name: 'Page not found' });
  });

  it('shows the server’s message when a page’s data cannot be loaded', async () => {
    serve({ '/v1/auth/me': json(200, { data: ME }) });
    renderAt('/');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('no route for GET /v1/overview'));
  });
});
