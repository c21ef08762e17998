/**
 * The JSON Schema behind each step kind's form and the template variables offered while typing.
 * The server's `GET /v1/schemas/flow` (generated from the zod schemas that validate flows) is
 * authoritative; these descriptions of the same shapes are used only while a server does not
 * offer that endpoint, and the server still validates every save.
 */
import { APPOINTMENT_PROPERTIES, SESAMI_PROPERTY_NAMES } from '../../../../../src/core/appointment-properties';
import type { StepKind } from '../../../../../src/core/flow-definition';
import type { FlowSchemas, JsonSchema } from '../api/flow-api';
import { unwrapSchema } from './schema-fields';

const text: JsonSchema = { type: 'string' };
const duration: JsonSchema = { type: 'string', format: 'duration' };
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

const FALLBACK_STEP_SCHEMAS: Record<StepKind, JsonSchema> = {
  wait: { type: 'object', properties: { duration, until: {} } },
  branch: { type: 'object', properties: { branches: { type: 'array' }, otherwise: { type: 'array' } }, required: ['branches'] },
  webhook: {
    type: 'object',
    properties: {
      method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      url: text,
      headers: stringMap,
      body: {},
      form: stringMap,
      timeout: duration,
      signing_secret: text,
    },
    required: ['url'],
  },
  email: {
    type: 'object',
    properties: {
      to: text,
      cc: text,
      bcc: text,
      from: text,
      reply_to: text,
      subject: text,
      html: { type: 'string', format: 'multiline' },
      text: { type: 'string', format: 'multiline' },
      variants: {},
      calendar: {},
      marketing: { type: 'boolean' },
      unsubscribe_url: text,
    },
    required: ['to', 'subject'],
  },
  send: { type: 'object', properties: { channel: text }, required: ['channel'] },
  update_contact: {
    type: 'object',
    properties: { name: text, first_name: text, last_name: text, email: text, phone: text, language: text, timezone: text, attributes: {} },
  },
  exit: { type: 'object', properties: { reason: text } },
};

/** Fields whose templates may use `secrets` (docs/flows.md, "Secrets"); channel credential fields come from the channel. */
export const CREDENTIAL_FIELDS: Partial<Record<StepKind, RegExp>> = {
  webhook: /^(url|headers\..+|signing_secret)$/,
};

/**
 * The schema of a kind's settings (the object under `email:`, `wait:`). The server describes each
 * kind as the whole step (`{ id, name, …, email: {…} }`); the form edits the part under the kind key.
 */
export function stepSchema(kind: StepKind, server: FlowSchemas | null | undefined): JsonSchema {
  const body = server?.steps[kind]?.properties?.[kind];
  return body ? unwrapSchema(body) : FALLBACK_STEP_SCHEMAS[kind];
}

const FALLBACK_VARIABLES: Record<string, string[]> = {
  event: [...SESAMI_PROPERTY_NAMES, 'name', 'id', 'occurred_at'],
  contact: ['id', 'external_id', 'email', 'phone', 'name', 'first_name', 'last_name', 'language', 'timezone', 'attributes'],
  appointment: ['id', 'status', 'start_at', 'end_at', 'timezone', 'revision', 'datetime', ...APPOINTMENT_PROPERTIES, 'extra'],
  workspace: ['id', 'name', 'timezone'],
  flow: ['id', 'name', 'version'],
  session: ['id', 'key'],
};

/** Every variable a template can name (`contact.first_name`), and `secrets.NAME` when `secrets` is given. */
export function templateVariables(server: FlowSchemas | null | undefined, secrets: readonly string[] | null): string[] {
  const groups = { ...FALLBACK_VARIABLES, ...(server?.variables ?? {}) };
  const out: string[] = [];
  for (const [root, paths] of Object.entries(groups)) {
    for (const path of paths) out.push(path.startsWith(`${root}.`) ? path : `${root}.${path}`);
  }
  if (secrets) out.push(...secrets.map((name) => `secrets.${name}`));
  return out;
}
