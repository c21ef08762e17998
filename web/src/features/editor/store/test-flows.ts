/** Flow documents shared by the editor's tests. */
import type { FlowDocument } from './flow-operations';

export function sampleFlow(): FlowDocument {
  return {
    name: 'Reminder',
    trigger: { appointment: { anchor: 'start', before: '24h' } },
    steps: [
      { id: 'remind', email: { to: '{{ contact.email }}', subject: 'Tomorrow', html: '<p>Hi</p>' } },
      {
        id: 'lang',
        branch: {
          branches: [{ name: 'French', when: [{ field: 'contact.language', op: 'equals', value: 'fr' }], steps: [{ id: 'fr_wait', wait: { duration: '1h' } }] }],
          otherwise: [{ id: 'hook', webhook: { url: 'https://example.com/hook' } }],
        },
      },
      { id: 'bye', exit: { reason: 'done' } },
    ],
  };
}
