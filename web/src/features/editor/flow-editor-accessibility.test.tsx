/**
 * axe-core over the rendered editor. happy-dom has no layout, so colour contrast is left to the
 * browser tests; every structural rule (names, labels, roles, ARIA references) runs here.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withProviders } from './components/test-support';
import { FlowEditorPage } from './flow-editor-page';
import { sampleFlow } from './store/test-flows';

const flowView = { id: 'f1', name: 'Reminder', status: 'paused', version: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', definition: sampleFlow() };

beforeEach(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const body =
        url === '/v1/flows/f1'
          ? { data: flowView }
          : url === '/v1/flows/validate'
            ? { data: { valid: false, errors: [{ path: 'steps[0].email.subject', message: 'must not be empty', code: 'not_empty' }] } }
            : url === '/v1/channels' || url === '/v1/secrets'
              ? { data: [] }
              : null;
      return new Response(JSON.stringify(body ?? { error: { code: 'not_found', message: 'not found' } }), { status: body ? 200 : 404 });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('flow editor accessibility', () => {
  it('has no axe violations on the canvas with a step selected and its issues shown', async () => {
    render(withProviders(<FlowEditorPage flowId="f1" />));
    fireEvent.click(await screen.findByText('remind'));
    await screen.findByText('Must not be empty', {}, { timeout: 3000 });
    expect(await violations()).toEqual([]);
  });

  it('has no axe violations on the trigger and flow settings', async () => {
    render(withProviders(<FlowEditorPage flowId="f1" />));
    fireEvent.click(await screen.findByText('Trigger', { selector: 'span *, span' }));
    expect(await violations()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Reminder' }));
    expect(await violations()).toEqual([]);
  });
});
