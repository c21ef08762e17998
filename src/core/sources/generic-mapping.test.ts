import { describe, expect, it } from 'vitest';
import { parseFieldPath, readFieldPath } from './field-paths.js';
import { applyMapping, mappingSchema } from './generic-mapping.js';

describe('field paths', () => {
  it('reads fields, quoted names and array items, own properties only', () => {
    const body = { a: { 'b c': [{ d: 1 }] } };
    const path = parseFieldPath("$.a['b c'][0].d");
    expect(path).toEqual({ path: ['a', 'b c', 0, 'd'] });
    expect(readFieldPath(body, (path as { path: [] }).path)).toBe(1);
    expect(readFieldPath(body, ['a', 'constructor'])).toBeUndefined();
    expect(readFieldPath(body, ['a', 'b c', 5])).toBeUndefined();
    expect(readFieldPath([1], ['length'])).toBeUndefined();
  });

  it('refuses anything but the small language', () => {
    for (const bad of ['a.b', '$..a', '$.a[*]', '$.a[?(@.x)]', '$.a()', `$${'.a'.repeat(40)}`]) {
      expect(parseFieldPath(bad), bad).toHaveProperty('problem');
    }
  });
});

describe('generic mapping', () => {
  const mapping = mappingSchema.parse({
    name: { path: '$.kind', map: { new: 'appointment.created' } },
    'contact.email': '$.who',
    'appointment.id': '$.id',
    'appointment.start_at': '$.at',
    'appointment.service_name': 'Haircut',
    'appointment.extra.raw': '$.raw',
  });

  it('builds an event from paths, constants and tables', () => {
    const decision = applyMapping(mapping, { kind: 'new', who: 'a@example.com', id: 7, at: '2026-12-01T10:00:00Z', raw: { x: 1 } });
    expect(decision).toEqual({
      outcome: 'events',
      vendorEvent: 'new',
      events: [
        {
          event: {
            name: 'appointment.created',
            contact: { email: 'a@example.com' },
            appointment: { id: 7, start_at: '2026-12-01T10:00:00Z', service_name: 'Haircut', extra: { raw: { x: 1 } } },
          },
        },
      ],
    });
  });

  it('ignores a type the table does not know, and names the field of a value that cannot be one', () => {
    expect(applyMapping(mapping, { kind: 'paid' })).toEqual({ outcome: 'ignored', vendorEvent: 'paid', reason: 'unknown event type paid' });
    expect(applyMapping(mapping, { kind: 'new', who: ['a'] })).toMatchObject({ outcome: 'invalid', issues: [{ path: 'mapping.contact.email' }] });
  });

  it('refuses unknown targets and a missing name', () => {
    const result = mappingSchema.safeParse({ 'contact.mail': '$.x', 'constructor': 'x' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['contact.mail', 'constructor', 'name']));
  });
});
