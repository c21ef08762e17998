import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n, setLanguage } from '../../i18n/index';
import zhAuth from '../../i18n/locales/zh-CN/auth.json';
import { InvitePage } from './accept-invite-page';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await setLanguage('en');
});

const INVITE = { data: { kind: 'invite', role: 'staff', workspace_name: 'Salon', email: null, expires_at: '2026-01-08T00:00:00Z' } };

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The invite page for token `abc`; `accept` answers the form's POST. */
async function renderInvite(accept: () => Response = () => json(500, {})) {
  const fetch = vi.fn(async (url: string) => (url.endsWith('/accept') ? accept() : json(200, INVITE)));
  vi.stubGlobal('fetch', fetch);
  const root = createRootRoute();
  const invite = createRoute({ getParentRoute: () => root, path: '/invite', component: InvitePage });
  const router = createRouter({ routeTree: root.addChildren([invite]), history: createMemoryHistory({ initialEntries: ['/invite?token=abc'] }) });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  await screen.findByRole('button', { name: /Join|加入/ }, { timeout: 5000 });
  return fetch;
}

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

/** The error message tied to the field labelled `label` (through aria-describedby). */
function errorOf(label: string): string | undefined {
  const input = screen.getByLabelText(label);
  if (input.getAttribute('aria-invalid') !== 'true') return undefined;
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  const errorId = ids.find((id) => id.endsWith('-error'));
  return errorId ? (document.getElementById(errorId)?.textContent ?? undefined) : undefined;
}

async function submit(name: RegExp | string) {
  await act(async () => fireEvent.click(screen.getByRole('button', { name })));
}

describe('accept invite form (the shared acceptInviteSchema)', () => {
  it('says what is wrong with a bad email and a short password, and sends nothing', async () => {
    const fetch = await renderInvite();
    fill('Your name', 'Sam');
    fill('Email', 'sam@');
    fill('New password', 'short');
    await submit('Join');
    expect(errorOf('Email')).toBe('Enter an email address, like ada@example.com.');
    expect(errorOf('New password')).toBe('Use at least 10 characters.');
    expect(errorOf('Your name')).toBeUndefined();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('says it in the user’s language', async () => {
    await setLanguage('zh-CN');
    await renderInvite();
    fill(zhAuth.email, 'sam@');
    fill(zhAuth.new_password, 'short');
    await submit(zhAuth.join);
    expect(errorOf(zhAuth.email)).toBe('请输入电子邮件地址，例如 ada@example.com。');
    expect(errorOf(zhAuth.new_password)).toBe('至少需要 10 个字符。');
    expect(errorOf(zhAuth.name)).toBe('此项必填。');
  });

  it('puts a server error that names a field on that field', async () => {
    // As the server answers a taken email; worded from the errors catalog by its code.
    await renderInvite(() => json(409, { error: { code: 'email_taken', message: 'ada@example.com already has an account', path: 'email' } }));
    fill('Your name', 'Sam');
    fill('Email', 'ada@example.com');
    fill('New password', 'a long enough password');
    await submit('Join');
    expect(errorOf('Email')).toBe('This email address is already in use.');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows any other failure above the button', async () => {
    // The server's code, worded from the errors catalog (its English message stays a detail).
    await renderInvite(() => json(404, { error: { code: 'invite_not_found', message: 'this link is unknown, already used or expired; ask for a new one' } }));
    fill('Your name', 'Sam');
    fill('Email', 'ada@example.com');
    fill('New password', 'a long enough password');
    await submit('Join');
    expect((await screen.findByRole('alert')).textContent).toBe('This invitation does not exist or has expired.');
  });
});
