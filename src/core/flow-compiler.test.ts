import { describe, expect, it } from 'vitest';
import type { CompiledStep } from './flow-compiler.js';
import { compileFlow } from './flow-compiler.js';
import type { FlowDefinition } from './flow-definition.js';
import { validateFlow } from './flow-validation.js';

const vip = { field: 'contact.tags', op: 'contains', value: 'vip' } as const;
const french = { field: 'contact.language', op: 'equals', value: 'fr' } as const;

const nested: FlowDefinition = {
  name: 'Nested branches',
  trigger: { event: ['order.paid', 'order.refunded'], conditions: [vip] },
  session: { key: '{{ event.order_id }}', reentry: 'always' },
  steps: [
    { wait: { duration: 'PT1H' } },
    {
      id: 'route',
      branch: {
        branches: [
          {
            name: 'vip',
            when: [vip],
            steps: [
              { email: { to: '{{ contact.email }}', subject: 'Thanks', text: 'x' }, max_lateness: '2h' },
              {
                branch: {
                  branches: [{ when: [french], steps: [{ update_contact: { language: 'fr' } }] }],
                  otherwise: [{ exit: { reason: 'not french' } }],
                },
              },
            ],
          },
          { when: [french], steps: [] },
        ],
      },
    },
    { id: 'notify', webhook: { url: 'https://x.test/{{ contact.id }}', method: 'PUT' } },
  ],
};

function pick(steps: Record<string, CompiledStep>): Record<string, { next: string | null; kind: string }> {
  return Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, { next: s.next, kind: s.kind }]));
}

describe('compileFlow', () => {
  it('validates the nested flow', () => {
    expect(validateFlow(nested).ok).toBe(true);
  });

  const compiled = compileFlow(nested);

  it('compiles the event trigger and session settings', () => {
    expect(compiled.trigger).toEqual({ type: 'event', events: ['order.paid', 'order.refunded'], conditions: [vip] });
    expect(compiled.sessionKey).toBe('{{ event.order_id }}');
    expect(compiled.reentry).toBe('always');
    expect(compiled.first).toBe('s1');
  });

  it('generates ids and next pointers through nested branches', () => {
    expect(pick(compiled.steps)).toEqual({
      s1: { next: 'route', kind: 'wait' },
      route: { next: 'notify', kind: 'branch' },
      'route.b1.s1': { next: 'route.b1.s2', kind: 'email' },
      'route.b1.s2': { next: 'notify', kind: 'branch' },
      'route.b1.s2.b1.s1': { next: 'notify', kind: 'update_contact' },
      'route.b1.s2.otherwise.s1': { next: 'notify', kind: 'exit' },
      notify: { next: null, kind: 'webhook' },
    });
  });

  it('points branches at their first step, null for empty lists', () => {
    expect(compiled.steps.route?.branches).toEqual([
      { name: 'vip', when: [vip], first: 'route.b1.s1' },
      { when: [french], first: null },
    ]);
    expect(compiled.steps.route?.otherwise).toBeNull();
    expect(compiled.steps['route.b1.s2']?.branches).toEqual([{ when: [french], first: 'route.b1.s2.b1.s1' }]);
    expect(compiled.steps['route.b1.s2']?.otherwise).toBe('route.b1.s2.otherwise.s1');
  });

  it('fills defaults', () => {
    expect(compiled.steps.s1?.wait).toEqual({ type: 'duration', duration: '1h' });
    expect(compiled.steps.s1?.maxLatenessMs).toBeNull();
    expect(compiled.steps['route.b1.s1']?.maxLatenessMs).toBe(7_200_000);
    expect(compiled.steps['route.b1.s1']?.path).toBe('steps[1].branch.branches[0].steps[0]');
    expect(compiled.steps.notify?.maxLatenessMs).toBe(3_600_000);
    expect(compiled.steps.notify?.webhook).toEqual({ url: 'https://x.test/{{ contact.id }}', method: 'PUT', timeout: '10s' });
    expect(compiled.steps['route.b1.s2.otherwise.s1']?.exit).toEqual({ reason: 'not french' });
  });

  it('compiles waits until a time or an appointment anchor', () => {
    const flow: FlowDefinition = {
      name: 'Waits',
      trigger: { appointment: { anchor: 'start', after: '0s', if_past: 'skip' } },
      steps: [
        { wait: { until: '2026-12-01T09:00:00Z' } },
        { wait: { until: 'appointment.start - 2h' } },
        { wait: { until: { anchor: 'end', before: '1d' } } },
      ],
    };
    const out = compileFlow(flow);
    expect(out.trigger).toEqual({ type: 'appointment', anchor: 'start', offset: '+0s', ifPast: 'skip', conditions: [] });
    expect(out.steps.s1?.wait).toEqual({ type: 'time', at: Date.parse('2026-12-01T09:00:00Z') });
    expect(out.steps.s2?.wait).toEqual({ type: 'appointment', anchor: 'start', offset: '-2h' });
    expect(out.steps.s3?.wait).toEqual({ type: 'appointment', anchor: 'end', offset: '-1d' });
  });

  it('keeps ids like __proto__ as ordinary keys', () => {
    const out = compileFlow({ name: 'x', trigger: { event: 'a' }, steps: [{ id: '__proto__', exit: null }] });
    expect(Object.keys(out.steps)).toEqual(['__proto__']);
    expect(out.steps['__proto__']?.kind).toBe('exit');
    expect(out.steps['toString']).toBeUndefined();
  });
});
