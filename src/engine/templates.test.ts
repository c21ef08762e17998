import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { renderString, renderValue } from './templates.js';

const context = {
  appointment: { start_at: '2026-03-29T08:30:00.000Z', timezone: 'Europe/Paris', quantity: 2 },
  contact: { language: 'fr', first_name: 'Zoë "Z" <b>' },
  workspace: { timezone: 'UTC' },
};

describe('templates', () => {
  it('formats times in the appointment timezone and the contact language', async () => {
    expect(await renderString('{{ appointment.start_at | format_date }}', context, 'text', 'x')).toBe('29 mars 2026 à 10:30');
    expect(await renderString('{{ appointment.start_at | format_date: "cccc d LLLL HH:mm" }}', context, 'text', 'x')).toBe('dimanche 29 mars 10:30');
    expect(await renderString('{{ appointment.start_at | format_date: "short", "America/New_York", "en-US" }}', context, 'text', 'x')).toBe(
      '3/29/26, 4:30 AM',
    );
    expect(await renderString('{{ appointment.start_at | format_date: "time" }}', { ...context, contact: {} }, 'text', 'x')).toBe('10:30 AM');
  });

  it('escapes per output: HTML, JSON string, or not at all', async () => {
    const t = 'Hi {{ contact.first_name }}';
    expect(await renderString(t, context, 'text', 'x')).toBe('Hi Zoë "Z" <b>');
    expect(await renderString(t, context, 'html', 'x')).toBe('Hi Zoë &quot;Z&quot; &lt;b&gt;');
    expect(await renderString(t, context, 'json', 'x')).toBe('Hi Zoë \\"Z\\" <b>');
  });

  it('keeps the type of a lone expression in JSON values', async () => {
    expect(await renderValue({ n: '{{ appointment.quantity }}', s: 'x{{ appointment.quantity }}', missing: '{{ nope }}' }, context, 'b')).toEqual({
      n: 2,
      s: 'x2',
      missing: null,
    });
  });

  it('names the field in a template error', async () => {
    await expect(renderString('{{ x | nosuch }}', context, 'text', 'steps[0].email.subject')).rejects.toThrow(/^steps\[0\]\.email\.subject: /);
  });

  it('reads a lone property path exactly as liquidjs does', async () => {
    const liquid = new Liquid({ ownPropertyOnly: true, strictFilters: true });
    const data = {
      contact: { first_name: 'Ada', tags: ['vip', 'new'], attributes: { tier: 'gold', nested: { n: 0 } }, nothing: null },
      appointment: { quantity: 3, service_name: 'Cut', list: [] as unknown[] },
      withSize: { size: 'own size' },
      dropLike: { toLiquid: () => ({ name: 'from toLiquid' }) },
      fn: { call: () => 'called' },
    };
    const expressions = [
      'contact.first_name',
      'contact.tags',
      'contact.tags.size',
      'contact.tags.first',
      'contact.tags.last',
      'contact.first_name.size',
      'contact.attributes.tier',
      'contact.attributes.nested.n',
      'contact.nothing',
      'contact.nothing.deeper',
      'contact.missing',
      'contact.missing.deeper',
      'missing',
      'appointment.quantity',
      'appointment.list.size',
      'appointment.list.first',
      'withSize.size',
      'dropLike.name',
      'fn.call',
      'contact.constructor',
      'contact.toString',
      'contact.__proto__',
      'contact.hasOwnProperty',
    ];
    for (const e of expressions) {
      const expected = liquid.evalValueSync(e, data) as unknown;
      expect(await renderValue(`{{ ${e} }}`, data, 'x'), e).toEqual(expected === undefined ? null : expected);
    }
  });
});
