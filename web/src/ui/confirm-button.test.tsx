import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n/index';
import { ConfirmButton } from './confirm-button';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ConfirmButton', () => {
  it('asks in a dialog and acts only on yes, never through window.confirm', async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    const onConfirm = vi.fn();
    render(
      <ConfirmButton question="Stop this session?" onConfirm={onConfirm}>
        Stop
      </ConfirmButton>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Stop this session?' });
    // Cancel is focused first, so Enter on an accidental click does not act.
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(dialog.isConnected).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await screen.findByRole('alertdialog');
    await act(async () => fireEvent.click(screen.getAllByRole('button', { name: 'Stop' }).at(-1)!));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(confirm).not.toHaveBeenCalled();
  });

  it('closes on Escape without acting', async () => {
    const onConfirm = vi.fn();
    render(
      <ConfirmButton question="Revoke the key?" onConfirm={onConfirm}>
        Revoke
      </ConfirmButton>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    const dialog = await screen.findByRole('alertdialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
