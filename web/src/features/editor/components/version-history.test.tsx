import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FormatProvider } from '../../../ui/date-time';
import { createEditorStore } from '../store/editor-store';
import { sampleFlow } from '../store/test-flows';
import { withEditor } from './test-support';
import { VersionHistory } from './version-history';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('VersionHistory', () => {
  it('shows when each version was saved in the workspace’s time zone and the UI’s language, like every other time', async () => {
    const versions = [{ version: 1, created_at: '2026-01-01T00:00:00Z', definition: sampleFlow() }];
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ data: versions }), { status: 200 })));
    render(
      withEditor(
        <FormatProvider timeZone="Asia/Taipei" locale="zh-TW">
          <VersionHistory flowId="f1" readOnly={false} />
        </FormatProvider>,
        createEditorStore(sampleFlow()),
      ),
    );
    const time = await screen.findByText((_, el) => el?.tagName === 'TIME');
    expect(time.getAttribute('datetime')).toBe('2026-01-01T00:00:00Z');
    expect(time.textContent).toMatch(/^2026年1月1日/);
    expect(time.textContent).toMatch(/8:00/);
  });
});
