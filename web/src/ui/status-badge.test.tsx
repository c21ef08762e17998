import { cleanup, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initI18n, setLanguage } from '../i18n/index';
import { StatusBadge, TRANSLATED_STATUSES } from './status-badge';

beforeAll(async () => {
  await initI18n('en');
});

afterEach(cleanup);

afterAll(async () => {
  await setLanguage('en');
});

describe('StatusBadge', () => {
  it.each(['en', 'zh-CN', 'zh-TW'] as const)('shows every status as a word of the catalog in %s, never as its key', async (language) => {
    await setLanguage(language);
    for (const status of TRANSLATED_STATUSES) {
      const { container } = render(<StatusBadge status={status} />);
      const text = container.textContent ?? '';
      expect(text, status).not.toMatch(/^status\./);
      expect(text, status).not.toBe('');
      cleanup();
    }
  });

  it('shows a status in the UI language', async () => {
    await setLanguage('zh-TW');
    render(<StatusBadge status="stopped" />);
    expect(screen.getByText('已停止')).toBeTruthy();
    await setLanguage('en');
    cleanup();
    render(<StatusBadge status="succeeded" />);
    expect(screen.getByText('Succeeded')).toBeTruthy();
  });
});
