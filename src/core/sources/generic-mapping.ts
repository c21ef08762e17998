/**
 * The generic source's mapping: for each event field the user names, a path into the webhook body
 * (`"$.booking.id"`), a constant, or a path with a table of values (`{ "path": "$.type", "map":
 * { "booking.created": "appointment.created" } }`). Applying it builds an event as `POST /v1/events`
 * takes it; a body whose event name the table does not know is ignored, not an error.
 */
import { z } from 'zod';
import { APPOINTMENT_PROPERTIES } from '../appointment-properties.js';
import type { FieldIssue } from '../errors.js';
import { codedIssue, issueAt } from '../issue-codes.js';
import { isPathText, parseFieldPath, readFieldPath, type FieldPath } from './field-paths.js';
import type { SourceDecision } from './source-decision.js';

const CONTACT_FIELDS = ['external_id', 'email', 'phone', 'name', 'first_name', 'last_name', 'language', 'timezone'];
const APPOINTMENT_FIELDS = ['id', 'start_at', 'end_at', 'timezone', ...APPOINTMENT_PROPERTIES];
const FIXED_TARGETS = new Set([
  'name',
  'idempotency_key',
  'occurred_at',
  ...CONTACT_FIELDS.map((f) => `contact.${f}`),
  ...APPOINTMENT_FIELDS.map((f) => `appointment.${f}`),
]);
/** Open-ended targets: `properties.<key>`, `contact.attributes.<key>`, `appointment.extra.<key>`. */
const OPEN_TARGET = /^(properties|contact\.attributes|appointment\.extra)\.[A-Za-z0-9_-]{1,64}$/;

export const MAX_MAPPING_FIELDS = 64;

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);
const pathText = z.string().superRefine((value, ctx) => {
  const parsed = parseFieldPath(value);
  if ('problem' in parsed) ctx.addIssue(codedIssue(parsed.problem));
});
/** Text starting with `$` is a path (and must parse); other text is a constant. */
const textSpec = z.string().max(1000).superRefine((value, ctx) => {
  if (!isPathText(value)) return;
  const parsed = parseFieldPath(value);
  if ('problem' in parsed) ctx.addIssue(codedIssue(parsed.problem));
});

const fieldSpecSchema = z.union([
  textSpec,
  z.number(),
  z.boolean(),
  z.strictObject({ const: z.union([scalar, z.null()]) }),
  z.strictObject({
    path: pathText,
    map: z.record(z.string().max(200), scalar).refine((m) => Object.keys(m).length <= 200, { message: 'at most 200 values', params: { code: 'at_most_items', count: 200 } }).optional(),
    default: scalar.optional(),
  }),
]);

export const mappingSchema = z
  .record(z.string(), fieldSpecSchema)
  .superRefine((mapping, ctx) => {
    const targets = Object.keys(mapping);
    if (targets.length > MAX_MAPPING_FIELDS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_MAPPING_FIELDS} fields`, params: { code: 'at_most_items', count: MAX_MAPPING_FIELDS } });
    for (const target of targets) {
      if (!FIXED_TARGETS.has(target) && !OPEN_TARGET.test(target)) {
        ctx.addIssue({ ...codedIssue({ code: 'mapping_target' }), path: [target] });
      }
    }
    if (!('name' in mapping)) ctx.addIssue({ code: 'custom', path: ['name'], message: 'required: the event name, a constant or a path', params: { code: 'required' } });
  });

export type FieldSpec = z.infer<typeof fieldSpecSchema>;
export type Mapping = z.infer<typeof mappingSchema>;

type Resolved = { value: unknown } | { unmapped: string };

function pathOf(text: string): FieldPath {
  const parsed = parseFieldPath(text);
  return 'path' in parsed ? parsed.path : [];
}

function resolve(spec: FieldSpec, body: unknown): Resolved {
  if (typeof spec === 'string' && isPathText(spec)) return { value: readFieldPath(body, pathOf(spec)) };
  if (typeof spec !== 'object') return { value: spec };
  if ('const' in spec) return { value: spec.const ?? undefined };
  const raw = readFieldPath(body, pathOf(spec.path));
  if (!spec.map) return { value: raw ?? spec.default };
  const key = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  if (key !== undefined && Object.prototype.hasOwnProperty.call(spec.map, key)) return { value: spec.map[key] };
  if (spec.default !== undefined) return { value: spec.default };
  return { unmapped: key ?? JSON.stringify(raw ?? null).slice(0, 100) };
}

function place(event: Record<string, unknown>, target: string, value: unknown): void {
  const parts = target.split('.');
  let node = event;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

/** The raw value the `name` field reads from the body: the vendor's own event type, for the delivery log. */
function vendorEventOf(mapping: Mapping, body: unknown): string | null {
  const spec = mapping.name;
  const path = typeof spec === 'string' && isPathText(spec) ? spec : typeof spec === 'object' && spec && 'path' in spec ? spec.path : null;
  if (path === null) return null;
  const raw = readFieldPath(body, pathOf(path));
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw).slice(0, 200) : null;
}

/**
 * Applies a mapping to a body: one event, ignored when the name's table does not know the body's
 * type, or issues at `mapping.<field>` for values that cannot be an event field (objects, arrays).
 */
export function applyMapping(mapping: Mapping, body: unknown): SourceDecision {
  const vendorEvent = vendorEventOf(mapping, body);
  const event: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [target, spec] of Object.entries(mapping)) {
    const resolved = resolve(spec, body);
    if ('unmapped' in resolved) {
      if (target === 'name') return { outcome: 'ignored', vendorEvent, reason: `unknown event type ${resolved.unmapped}` };
      issues.push(issueAt(`mapping.${target}`, 'unmapped_value', { value: resolved.unmapped }));
      continue;
    }
    const value = resolved.value;
    if (value === undefined || value === null) continue;
    const open = OPEN_TARGET.test(target);
    if (!open && typeof value === 'object') {
      issues.push(issueAt(`mapping.${target}`, 'mapping_scalar', { received: Array.isArray(value) ? 'array' : 'object' }));
      continue;
    }
    place(event, target, value);
  }
  if (issues.length > 0) return { outcome: 'invalid', vendorEvent, issues };
  if (typeof event.name !== 'string' || event.name === '') {
    return { outcome: 'ignored', vendorEvent, reason: 'the mapping found no event name in the body' };
  }
  event.contact ??= {};
  return { outcome: 'events', vendorEvent, events: [{ event }] };
}
