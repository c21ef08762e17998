import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/query-keys';
import type { Me, Role } from '../../api/session';
import { initI18n, setLanguage } from '../../i18n/index';
import { PresetsPage } from './presets-page';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// An id this build's catalog does not know: its text is the server's.
const PRESET = { id: 'newer-preset', name: 'Slack message', description: 'Tells your team.', category: 'team', placeholders: [] };

function renderAs(role: Role, presets: unknown[] = [PRESET]) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ data: presets }), { status: 200 })));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me(), { user: { role } } as unknown as Me);
  render(
    <QueryClientProvider client={client}>
      <PresetsPage />
    </QueryClientProvider>,
  );
}

describe('PresetsPage', () => {
  it('offers each preset to a role that may create flows', async () => {
    renderAs('admin');
    expect(await screen.findByRole('button', { name: 'Use this preset: Slack message' })).toBeTruthy();
    expect(screen.queryByText('Your role can browse presets but not create flows from them.')).toBeNull();
  });

  it('shows staff the presets without the button that would end in a refusal', async () => {
    renderAs('staff');
    expect(await screen.findByText('Tells your team.')).toBeTruthy();
    expect(screen.getByText('Your role can browse presets but not create flows from them.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Use this preset/ })).toBeNull();
  });

  it('shows a preset the catalog knows in the UI language', async () => {
    await setLanguage('zh-CN');
    try {
      renderAs('staff', [{ ...PRESET, id: 'slack-new-booking' }]);
      expect(await screen.findByRole('heading', { name: '新预约时发送 Slack 消息' })).toBeTruthy();
      expect(screen.getByText('每有新预约，就在 Slack 中通知你的团队。')).toBeTruthy();
    } finally {
      await setLanguage('en');
    }
  });
});
