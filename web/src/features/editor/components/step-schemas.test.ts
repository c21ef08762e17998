import { describe, expect, it } from 'vitest';
import type { FlowSchemas } from '../api/flow-api';
import { stepSchema, templateVariables } from './step-schemas';

/** Shaped as `GET /v1/schemas/flow` answers (z.toJSONSchema of each whole step). */
const server: FlowSchemas = {
  flow: {},
  steps: {
    email: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' } }, required: ['to', 'subject'] } }, required: ['email'] },
    exit: { type: 'object', properties: { exit: { anyOf: [{ type: 'object', properties: { reason: { type: 'string' } } }, { type: 'null' }] } } },
  },
  channels: [],
  variables: { contact: ['contact.first_name'], event: ['event.service_name'] },
};

describe('step schemas', () => {
  it("takes the kind's settings out of the server's whole-step schema, unwrapping nullable ones", () => {
    expect(stepSchema('email', server)).toMatchObject({ properties: { to: { type: 'string' } }, required: ['to', 'subject'] });
    expect(stepSchema('exit', server)).toMatchObject({ type: 'object', properties: { reason: { type: 'string' } } });
  });

  it('uses the built-in description of a kind the server does not describe, or when there is no server schema', () => {
    expect(stepSchema('wait', server).properties).toHaveProperty('duration');
    expect(stepSchema('email', null).properties).toHaveProperty('html');
  });

  it('lists variables by root, and secrets only when asked', () => {
    const plain = templateVariables(server, null);
    expect(plain).toContain('contact.first_name');
    expect(plain).toContain('appointment.start_at');
    expect(plain.some((v) => v.startsWith('secrets.'))).toBe(false);
    expect(templateVariables(server, ['API_KEY'])).toContain('secrets.API_KEY');
  });
});
