import { createMemoryHistory, createRootRoute, createRoute, createRouter, Link, RouterProvider } from '@tanstack/react-router';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../../../i18n/index';
import { LeaveGuard } from './leave-guard';

beforeAll(async () => {
  await initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function renderEditorPage() {
  const root = createRootRoute();
  const editor = createRoute({
    getParentRoute: () => root,
    path: '/',
    component: () => (
      <>
        <LeaveGuard dirty message="Leave without saving?" />
        <Link to="/flows">Elsewhere</Link>
      </>
    ),
  });
  const elsewhere = createRoute({ getParentRoute: () => root, path: '/flows', component: () => <p>elsewhere page</p> });
  const router = createRouter({ routeTree: root.addChildren([editor, elsewhere]), history: createMemoryHistory({ initialEntries: ['/'] }) });
  render(<RouterProvider router={router} />);
  await screen.findByRole('link', { name: 'Elsewhere' });
  return router;
}

describe('LeaveGuard', () => {
  it('asks in the app’s dialog before leaving unsaved edits: Cancel stays, Leave goes', async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    const router = await renderEditorPage();
    await act(async () => fireEvent.click(screen.getByRole('link', { name: 'Elsewhere' })));
    await screen.findByRole('alertdialog', { name: 'Leave without saving?' });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(router.state.location.pathname).toBe('/');

    await act(async () => fireEvent.click(screen.getByRole('link', { name: 'Elsewhere' })));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Leave' })));
    await screen.findByText('elsewhere page');
    expect(router.state.location.pathname).toBe('/flows');
    expect(confirm).not.toHaveBeenCalled();
  });
});
