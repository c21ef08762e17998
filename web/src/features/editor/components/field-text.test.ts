/**
 * Every field the editor draws from a schema has a label and help in every language: the schemas
 * the server serves at `GET /v1/schemas/flow` (step kinds and built-in channels, built by the same
 * functions the route calls) and the editor's own forms.
 */
import { describe, expect, it } from 'vitest';
import { builtinChannels } from '../../../../../src/channels/builtin';
import { createChannelRegistry } from '../../../../../src/channels/registry';
import { stepJsonSchemas } from '../../../../../src/core/flow-json-schema';
import type { JsonSchema } from '../api/flow-api';
import { APPOINTMENT_TRIGGER_SCHEMA, BRANCH_SCHEMA, COMMON_SCHEMA, EVENT_TRIGGER_SCHEMA, FLOW_SCHEMA } from './editor-form-schemas';
import { fieldEntryKeys } from './field-text';
import { unwrapSchema } from './schema-fields';

const catalogs = import.meta.glob<{ default: Record<string, unknown> }>('../../../i18n/locales/*/fields.json', { eager: true });
const LANGUAGES = ['en', 'zh-CN', 'zh-TW'];
/** Enum values shown as written: protocol words and the services' own names for their modes. */
const LITERAL_OPTIONS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HTML', 'MarkdownV2', 'Markdown']);

function catalog(language: string): Record<string, unknown> {
  return catalogs[`../../../i18n/locales/${language}/fields.json`]!.default;
}

function lookup(tree: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
}

interface Field {
  scope: string;
  key: string;
  options: string[];
}

/** The fields SchemaFields draws for `schema`: each property, and the properties of nested objects under `scope.key`. */
function fieldsOf(schema: JsonSchema, scope: string): Field[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => {
    const inner = unwrapSchema(property);
    const own = { scope, key, options: (inner.enum ?? []).map(String) };
    return inner.properties ? [own, ...fieldsOf(inner, `${scope}.${key}`)] : [own];
  });
}

function servedFields(): Field[] {
  const steps = Object.entries(stepJsonSchemas()).flatMap(([kind, step]) =>
    fieldsOf(unwrapSchema((step as JsonSchema).properties![kind]!), `step.${kind}`),
  );
  const registry = createChannelRegistry(builtinChannels({ now: () => 0, endpoints: {} }));
  const channels = registry.describe().flatMap((c) => fieldsOf(c.settings as JsonSchema, `channel.${String(c.id)}`));
  return [...steps, ...channels];
}

function editorFields(): Field[] {
  return [
    ...fieldsOf(FLOW_SCHEMA, 'flow'),
    ...fieldsOf(EVENT_TRIGGER_SCHEMA, 'trigger.event'),
    ...fieldsOf(APPOINTMENT_TRIGGER_SCHEMA, 'trigger.appointment'),
    ...fieldsOf(COMMON_SCHEMA, 'common'),
    ...fieldsOf(BRANCH_SCHEMA, 'branch'),
  ];
}

function missing(fields: Field[], language: string): string[] {
  const tree = catalog(language);
  const text = (key: string) => {
    const value = lookup(tree, key);
    return typeof value === 'string' && value.trim() !== '';
  };
  return fields.flatMap(({ scope, key, options }) => {
    const entry = fieldEntryKeys(scope, key).find((k) => text(`${k}.label`));
    const problems = entry ? (text(`${entry}.help`) ? [] : [`${scope}.${key}: help`]) : [`${scope}.${key}: label`];
    const unlabelled = options.filter((o) => !LITERAL_OPTIONS.has(o) && !text(`${scope}.${key}.options.${o}`));
    return [...problems, ...unlabelled.map((o) => `${scope}.${key}: option ${o}`)];
  });
}

describe('form field labels', () => {
  const served = servedFields();

  it('finds the fields of every step kind and channel the server serves', () => {
    const scopes = new Set(served.map((f) => f.scope));
    for (const scope of ['step.wait', 'step.email', 'step.webhook', 'step.update_contact', 'channel.slack', 'channel.klaviyo.profile.location', 'channel.telegram'])
      expect(scopes).toContain(scope);
    expect(served.length).toBeGreaterThan(100);
  });

  it.each(LANGUAGES)('%s labels and explains every field the server serves', (language) => {
    expect(missing(served, language)).toEqual([]);
  });

  it.each(LANGUAGES)('%s labels and explains every field of the editor’s own forms', (language) => {
    expect(missing(editorFields(), language)).toEqual([]);
  });

  it('has no entries for fields no form shows', () => {
    const used = new Set([...served, ...editorFields()].flatMap(({ scope, key, options }) => [...fieldEntryKeys(scope, key), ...options.map((o) => `${scope}.${key}.options.${o}`)]));
    const entries: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (typeof record.label === 'string') entries.push(at);
      for (const [k, v] of Object.entries(record)) if (k === 'options') for (const o of Object.keys(v as object)) entries.push(`${at}.options.${o}`);
      else walk(v, at ? `${at}.${k}` : k);
    };
    walk(catalog('en'), '');
    expect(entries.filter((e) => !used.has(e))).toEqual([]);
  });
});
