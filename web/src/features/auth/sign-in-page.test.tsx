import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n, setLanguage } from '../../i18n/index';
import { safeNext, SignInPage } from './sign-in-page';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ME = {
  user: { id: 'us_1', email: 'ada@example.com', name: 'Ada', role: 'owner', two_factor_enabled: true, created_at: '2026-01-01T00:00:00Z' },
  workspace: { id: 'ws_1', name: 'Salon', timezone: 'UTC', plan: 'pro', flow_limit: 6, sender_email: null, country: null, require_two_factor: false },
  csrf_token: 'csrf',
  two_factor_setup_required: false,
};

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

async function renderSignIn() {
  const root = createRootRoute();
  const signIn = createRoute({ getParentRoute: () => root, path: '/sign-in', component: SignInPage });
  const home = createRoute({ getParentRoute: () => root, path: '/', component: () => <p>home page</p> });
  const router = createRouter({ routeTree: root.addChildren([signIn, home]), history: createMemoryHistory({ initialEntries: ['/sign-in'] }) });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  await screen.findByRole('heading', { name: 'Sign in' });
}

function fill(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('SignInPage', () => {
  it('asks for the 6-digit code when the server answers two_factor_required, then signs in with it', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(401, { error: { code: 'two_factor_required', message: 'enter the code from your authenticator app', path: 'code' } }))
      .mockResolvedValueOnce(json(200, { data: ME }));
    vi.stubGlobal('fetch', fetch);
    await renderSignIn();
    fill('Email', 'ada@example.com');
    fill('Password', 'correct horse battery');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    await screen.findByRole('heading', { name: 'Enter your code' });
    fill('6-digit code', '123456');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Verify' })));
    await screen.findByText('home page');
    expect(JSON.parse(fetch.mock.calls[1]![1].body as string)).toEqual({ email: 'ada@example.com', password: 'correct horse battery', code: '123456' });
  });

  it('says when to try again after too many attempts', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(429, { error: { code: 'too_many_attempts', message: 'too many attempts' } }, { 'retry-after': '42' })));
    await renderSignIn();
    fill('Email', 'ada@example.com');
    fill('Password', 'wrong');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Try again in 42 seconds.');
  });

  it('shows the server’s message for wrong credentials', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } })));
    await renderSignIn();
    fill('Email', 'ada@example.com');
    fill('Password', 'wrong');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password.');
  });
});

describe('SignInPage without zod', () => {
  it('asks for blank fields without asking the server, and words the message again in another language', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    await renderSignIn();
    fill('Password', 'x');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    expect(screen.getByText('Required.')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(fetch).not.toHaveBeenCalled();
    await act(() => setLanguage('zh-TW'));
    expect(screen.queryByText('Required.')).toBeNull();
    await act(() => setLanguage('en'));
  });

  it('puts a server answer naming the email on that field', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(json(400, { error: { code: 'invalid_request', message: 'email: must be at most 254 characters', path: 'email', details: [{ path: 'email', message: 'must be at most 254 characters', code: 'too_big', params: { origin: 'string', maximum: 254 } }] } })),
    );
    await renderSignIn();
    fill('Email', 'a'.repeat(300));
    fill('Password', 'x');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    expect(await screen.findByText('At most 254 characters')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('safeNext', () => {
  it.each([
    [undefined, '/'],
    ['/sessions?status=failed', '/sessions?status=failed'],
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['/sign-in?next=/x', '/'],
  ])('%s → %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
