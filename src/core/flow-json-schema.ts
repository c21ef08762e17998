/**
 * JSON Schemas of a flow and of each step kind, for forms and editors (`GET /v1/schemas/flow`).
 *
 * Built from the zod schemas that validate flows (flow-validation.ts, step-validation.ts,
 * condition-validation.ts), so a field added there appears here. Those schemas leave the parts
 * that their rules check by hand as `unknown` (a branch's steps, conditions, a wait's `until`, an
 * email's `calendar`); this module fills those in with their shapes, so the schema describes what
 * an author may write. Rules a JSON Schema cannot state (exactly one of before/after, duration and
 * template syntax, unique step ids) stay with `validateFlow`, which remains the judge.
 */
import { z } from 'zod';
import { fieldConditionSchema } from './condition-validation.js';
import { STEP_KINDS, type StepKind } from './flow-definition.js';
import { jsonSchemaOf } from './json-schema.js';
import { appointmentTriggerSchema, flowSchema } from './flow-validation.js';
import { emailCalendarSchema, STEP_COMMON_SHAPE, STEP_KIND_SCHEMAS, untilObjectSchema } from './step-validation.js';

type Json = Record<string, unknown>;

const conditionSchema: z.ZodType = z
  .lazy(() =>
    z.union([
      fieldConditionSchema,
      z.object({ all: z.array(conditionSchema).min(1) }).strict(),
      z.object({ any: z.array(conditionSchema).min(1) }).strict(),
      z.object({ not: conditionSchema }).strict(),
    ]),
  )
  .meta({ id: 'Condition', description: 'A field test (`field` under event., contact., appointment., workspace. or flow.), or all / any / not of conditions' });

const asObject = (schema: z.ZodType) => schema as z.ZodObject;

/** Each kind's settings with the hand-checked parts described. */
const kindSettings: Record<StepKind, z.ZodType> = {
  ...STEP_KIND_SCHEMAS,
  wait: asObject(STEP_KIND_SCHEMAS.wait).extend({
    until: z
      .union([z.string().describe('an ISO time, or appointment.start|end ± a duration, e.g. "appointment.start - 2h"'), untilObjectSchema])
      .optional(),
  }),
  branch: z.lazy(() =>
    z
      .object({
        branches: z
          .array(z.object({ name: z.string().optional(), when: z.array(conditionSchema).min(1), steps: z.array(stepSchema) }).strict())
          .min(1),
        otherwise: z.array(stepSchema).optional(),
      })
      .strict(),
  ),
  email: asObject(STEP_KIND_SCHEMAS.email).extend({ calendar: z.union([z.boolean(), emailCalendarSchema]).optional() }),
};

const stepOf = (kind: StepKind) => z.object({ ...STEP_COMMON_SHAPE, [kind]: kindSettings[kind] }).strict();

const stepSchema: z.ZodType = z.lazy(() => z.union(STEP_KINDS.map(stepOf))).meta({ id: 'Step', description: 'A step: exactly one kind key' });

const triggerSchema = z.union([
  z
    .object({
      event: z.union([z.string(), z.array(z.string()).min(1)]).describe('event name(s); * matches any'),
      conditions: z.array(conditionSchema).optional(),
    })
    .strict(),
  appointmentTriggerSchema.extend({
    appointment: asObject(appointmentTriggerSchema.shape.appointment).extend({ conditions: z.array(conditionSchema).optional() }),
  }),
]);

const describedFlow = flowSchema.extend({ trigger: triggerSchema, steps: z.array(stepSchema).min(1) });

/** The whole flow's JSON Schema (steps and conditions as `$defs`). */
export function flowJsonSchema(): Json {
  return jsonSchemaOf(describedFlow);
}

/** One JSON Schema per step kind: the step object with that kind's key. */
export function stepJsonSchemas(): Record<StepKind, Json> {
  return Object.fromEntries(STEP_KINDS.map((kind) => [kind, jsonSchemaOf(stepOf(kind))])) as Record<StepKind, Json>;
}
