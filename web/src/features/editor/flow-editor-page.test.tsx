import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withProviders } from './components/test-support';
import { FlowEditorPage } from './flow-editor-page';
import { sampleFlow } from './store/test-flows';

interface Call {
  method: string;
  path: string;
  body: unknown;
}

type Handler = (call: Call) => { status: number; body?: unknown } | undefined;

let calls: Call[] = [];

function serve(handler: Handler) {
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const call = { method: init.method ?? 'GET', path: url, body: init.body ? JSON.parse(String(init.body)) : undefined };
      calls.push(call);
      const answer = handler(call) ?? { status: 404, body: { error: { code: 'not_found', message: 'not found' } } };
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
    }),
  );
}

const flowView = { id: 'f1', name: 'Reminder', status: 'active', version: 3, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', definition: sampleFlow() };

function baseHandler(extra: Handler = () => undefined): Handler {
  return (call) => {
    const own = extra(call);
    if (own) return own;
    if (call.method === 'GET' && call.path === '/v1/flows/f1') return { status: 200, body: { data: flowView } };
    if (call.path === '/v1/channels') return { status: 200, body: { data: [] } };
    if (call.path === '/v1/secrets') return { status: 200, body: { data: [] } };
    if (call.path === '/v1/flows/validate') return { status: 200, body: { data: { valid: true, errors: [] } } };
    return undefined;
  };
}

beforeEach(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('FlowEditorPage', () => {
  it('draws the trigger and every step on the canvas, and shows no counts when step-counts is missing', async () => {
    serve(baseHandler());
    render(withProviders(<FlowEditorPage flowId="f1" />));
    expect(await screen.findByRole('button', { name: 'Reminder' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Reminder' })).toBeTruthy();
    for (const id of ['remind', 'lang', 'fr_wait', 'hook', 'bye']) expect(await screen.findByText(id)).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.path.startsWith('/v1/flows/f1/step-counts'))).toBe(true));
    expect(screen.queryByText(/waiting/)).toBeNull();
    await waitFor(() => expect(screen.queryByLabelText('Counts for')).toBeNull());
  });

  it('keeps the counts period in the toolbar while the counts load, so the buttons do not move under the pointer', async () => {
    const handler = baseHandler();
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit = {}) => {
        if (url.startsWith('/v1/flows/f1/step-counts')) return new Promise<Response>(() => {});
        const answer = handler({ method: init.method ?? 'GET', path: url, body: undefined }) ?? { status: 404, body: { error: { code: 'not_found', message: 'not found' } } };
        return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } }));
      }),
    );
    render(withProviders(<FlowEditorPage flowId="f1" />));
    await screen.findByRole('button', { name: 'Pause' });
    expect(screen.getByLabelText('Counts for')).toBeTruthy();
  });

  it('shows step counts with a link to the sessions at that step', async () => {
    serve(
      baseHandler((call) =>
        call.path.startsWith('/v1/flows/f1/step-counts')
          ? { status: 200, body: { data: { waiting_total: 2, steps: [{ step_id: 'remind', waiting: 2, sent: 5, failed: 1, skipped: 0 }] } } }
          : undefined,
      ),
    );
    render(withProviders(<FlowEditorPage flowId="f1" />));
    // Nodes stay visibility:hidden until React Flow measures them, which happy-dom never does.
    const link = (await screen.findByText('2 waiting')).closest('a')!;
    expect(link.getAttribute('href')).toBe('/sessions?flow_id=f1&step_id=remind');
    expect(screen.getByText('5 sent')).toBeTruthy();
  });

  it('pins validation issues to their node with a badge', async () => {
    serve(
      baseHandler((call) =>
        call.path === '/v1/flows/validate'
          ? { status: 200, body: { data: { valid: false, errors: [{ path: 'steps[1].branch.otherwise[0].webhook.url', message: 'expected an http(s) URL' }] } } }
          : undefined,
      ),
    );
    render(withProviders(<FlowEditorPage flowId="f1" />));
    const badge = await screen.findByText('1 problem', {}, { timeout: 3000 });
    expect(badge.closest('.react-flow__node')?.getAttribute('data-id')).toBe('steps[1].branch.otherwise[0]');
    expect(screen.getByText(/· 1 problem/)).toBeTruthy();
  });

  it('a failed save is shown with the server message, and the changes stay unsaved', async () => {
    serve(
      baseHandler((call) =>
        call.method === 'PUT'
          ? { status: 400, body: { error: { code: 'invalid_flow', message: 'The flow is not valid', details: [{ path: 'steps[0].email.subject', message: 'must not be empty' }] } } }
          : undefined,
      ),
    );
    render(withProviders(<FlowEditorPage flowId="f1" />));
    fireEvent.click(await screen.findByRole('button', { name: 'Reminder' }));
    fireEvent.change(screen.getByLabelText(/^Flow name/), { target: { value: 'Renamed' } });
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The flow has problems that need fixing.')).toBeTruthy();
    expect(screen.getByText(/Unsaved changes/)).toBeTruthy();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toMatchObject({ name: 'Renamed' });
  });

  it('saves a new version and becomes clean', async () => {
    serve(baseHandler((call) => (call.method === 'PUT' ? { status: 200, body: { data: { ...flowView, version: 4, definition: call.body } } } : undefined)));
    render(withProviders(<FlowEditorPage flowId="f1" />));
    fireEvent.click(await screen.findByRole('button', { name: 'Reminder' }));
    fireEvent.change(screen.getByLabelText(/^Flow name/), { target: { value: 'Renamed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Version 4')).toBeTruthy();
    expect(screen.getByText(/All changes saved/)).toBeTruthy();
  });

  it('Ctrl+Z undoes outside fields and is left to the field while typing', async () => {
    serve(baseHandler());
    render(withProviders(<FlowEditorPage flowId="f1" />));
    fireEvent.click(await screen.findByRole('button', { name: 'Reminder' }));
    const name = screen.getByLabelText(/^Flow name/) as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'Renamed' } });
    fireEvent.keyDown(name, { key: 'z', ctrlKey: true });
    expect(name.value).toBe('Renamed');
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect((screen.getByLabelText(/^Flow name/) as HTMLInputElement).value).toBe('Reminder');
    fireEvent.keyDown(document.body, { key: 'y', ctrlKey: true });
    expect((screen.getByLabelText(/^Flow name/) as HTMLInputElement).value).toBe('Renamed');
  });

  it('offers no editing to a role that may not change flows: read-only note, save disabled, no status actions, disabled forms', async () => {
    serve(baseHandler());
    render(withProviders(<FlowEditorPage flowId="f1" canEdit={false} />));
    expect(await screen.findByText('Your role can view this flow but not change it.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    for (const action of ['Pause', 'Archive']) expect(screen.queryByRole('button', { name: action })).toBeNull();
    // The canvas's add-step buttons sit on edges, which React Flow draws only in a real browser (test/web/journey.test.ts checks them).
    fireEvent.click(screen.getByRole('button', { name: 'Reminder' }));
    const name = screen.getByLabelText(/^Flow name/) as HTMLInputElement;
    expect(name.closest('fieldset')?.disabled).toBe(true);
  });

  it('offers editing to a role that may change flows', async () => {
    serve(baseHandler());
    render(withProviders(<FlowEditorPage flowId="f1" />));
    expect(await screen.findByRole('button', { name: 'Pause' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reminder' }));
    expect((screen.getByLabelText(/^Flow name/) as HTMLInputElement).closest('fieldset')?.disabled).toBe(false);
    expect(screen.queryByText('Your role can view this flow but not change it.')).toBeNull();
  });

  it('shows an error view when the flow cannot be loaded', async () => {
    serve(() => ({ status: 404, body: { error: { code: 'not_found', message: 'flow f1 not found' } } }));
    render(withProviders(<FlowEditorPage flowId="f1" />));
    expect(await screen.findByText('This could not be found. It may have been deleted.')).toBeTruthy();
  });
});
