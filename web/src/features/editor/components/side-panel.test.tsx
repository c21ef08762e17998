import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/editor-store';
import { sampleFlow } from '../store/test-flows';
import { SidePanel } from './side-panel';
import { withEditor } from './test-support';

afterEach(cleanup);

describe('side panel forms generated from schemas', () => {
  it('an email field change dispatches updateStep, one undo entry per typing burst', () => {
    const store = createEditorStore(sampleFlow());
    store.getState().select('steps[0]');
    render(withEditor(<SidePanel flowId={null} readOnly={false} />, store));
    const subject = screen.getByLabelText(/^Subject/);
    fireEvent.change(subject, { target: { value: 'Tomorrow at 10' } });
    fireEvent.change(subject, { target: { value: 'Tomorrow at 10:00' } });
    expect(store.getState().document.steps[0]).toMatchObject({ email: { subject: 'Tomorrow at 10:00' } });
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().past[0]!.forward[0]).toMatchObject({ type: 'updateStep', path: 'steps[0]' });
  });

  it('shows a server message under the field it points at, and the rest at the top', () => {
    const store = createEditorStore(sampleFlow());
    store.getState().select('steps[0]');
    render(
      withEditor(<SidePanel flowId={null} readOnly={false} />, store, {
        issues: [
          { path: 'steps[0].email.subject', message: 'must not be empty' },
          { path: 'steps[0].email', message: 'expected html or text' },
        ],
      }),
    );
    const subject = screen.getByLabelText(/^Subject/);
    expect(subject.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(subject.getAttribute('aria-describedby')!)?.textContent).toBe('must not be empty');
    expect(screen.getByRole('alert').textContent).toContain('expected html or text');
  });

  it('offers variables after {{ and secrets only in credential fields', () => {
    const store = createEditorStore(sampleFlow());
    store.getState().select('steps[1].branch.otherwise[0]');
    render(withEditor(<SidePanel flowId={null} readOnly={false} />, store, { secrets: ['HOOK_TOKEN'] }));
    const url = screen.getByLabelText(/^URL/) as HTMLInputElement;
    fireEvent.change(url, { target: { value: 'https://x.test/{{ sec', selectionStart: 22 } });
    const listbox = screen.getByRole('listbox');
    expect(within(listbox).getAllByRole('option').map((o) => o.textContent)).toContain('secrets.HOOK_TOKEN');
    fireEvent.keyDown(url, { key: 'Enter' });
    expect(store.getState().document.steps[1]).toMatchObject({ branch: { otherwise: [{ webhook: { url: 'https://x.test/{{ secrets.HOOK_TOKEN }}' } }] } });

    act(() => store.getState().select('steps[0]'));
    const html = screen.getByLabelText(/^HTML content/);
    fireEvent.change(html, { target: { value: '{{ sec', selectionStart: 6 } });
    expect(screen.queryAllByRole('option').map((o) => o.textContent)).not.toContain('secrets.HOOK_TOKEN');
  });

  it('step actions dispatch operations: duplicate, move, delete', () => {
    const store = createEditorStore(sampleFlow());
    store.getState().select('steps[0]');
    render(withEditor(<SidePanel flowId={null} readOnly={false} />, store));
    fireEvent.click(screen.getByRole('button', { name: 'Duplicate' }));
    expect(store.getState().document.steps.map((s) => s.id)).toEqual(['remind', 'remind_1', 'lang', 'bye']);
    expect(store.getState().selection).toBe('steps[1]');
    fireEvent.click(screen.getByRole('button', { name: 'Move down' }));
    expect(store.getState().document.steps.map((s) => s.id)).toEqual(['remind', 'lang', 'remind_1', 'bye']);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(store.getState().document.steps.map((s) => s.id)).toEqual(['remind', 'lang', 'bye']);
  });

  it('a channel step renders the channel manifest settings', () => {
    const store = createEditorStore({ ...sampleFlow(), steps: [{ id: 'ping', send: { channel: 'slack', text: 'hi' } }] });
    store.getState().select('steps[0]');
    const channels = [
      {
        id: 'slack',
        name: 'Slack',
        description: 'Posts to a channel',
        credentialFields: ['webhook_url'],
        settings: { type: 'object', properties: { webhook_url: { type: 'string' }, text: { type: 'string' } }, required: ['webhook_url', 'text'] },
      },
    ];
    render(withEditor(<SidePanel flowId={null} readOnly={false} />, store, { channels }));
    fireEvent.change(screen.getByLabelText(/^Webhook URL/), { target: { value: 'https://hooks.slack.com/x' } });
    expect(store.getState().document.steps[0]).toMatchObject({ send: { channel: 'slack', text: 'hi', webhook_url: 'https://hooks.slack.com/x' } });
  });
});
