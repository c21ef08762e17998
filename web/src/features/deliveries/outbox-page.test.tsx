import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../../i18n/index';
import { MessageDialog } from './outbox-page';

beforeAll(() => {
  initI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const MESSAGE = {
  id: 'ob_1',
  delivery_id: 'dl_1',
  session_id: 'ss_1',
  message_id: '<m@nudge>',
  from: 'Salon <hi@example.com>',
  to: 'grace@example.com',
  subject: 'See you tomorrow',
  html: '<p>Hi</p><script>parent.document.title = "owned"</script>',
  text: 'Hi',
  headers: {},
  created_at: '2026-12-01T10:00:00Z',
};

describe('outbox message', () => {
  it('renders the email in a sandboxed iframe that cannot run scripts, and shows the .ics the delivery carried', async () => {
    const calendar = 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR';
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ data: { id: 'dl_1', request: { calendar: { content: calendar } } } }), { status: 200 })));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MessageDialog message={MESSAGE} onClose={() => {}} />
      </QueryClientProvider>,
    );
    const frame = screen.getByTitle('Email preview');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toBe(MESSAGE.html);
    const tab = screen.getByRole('tab', { name: 'Calendar invitation (.ics)' });
    fireEvent.mouseDown(tab);
    fireEvent.click(tab);
    await waitFor(() => expect(document.querySelector('pre[aria-label="Calendar invitation (.ics)"]')?.textContent).toBe(calendar));
  });
});
