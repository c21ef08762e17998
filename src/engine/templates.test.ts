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
});
