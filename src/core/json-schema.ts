/**
 * zod → JSON Schema, one way everywhere: the OpenAPI document, `GET /v1/schemas/flow` and the
 * channels' settings (`GET /v1/channels`) describe what their zod schemas accept as input.
 */
import { z } from 'zod';

/**
 * The JSON Schema (draft 2020-12) of the input `schema` accepts, without `$schema` so it can be
 * embedded; what JSON Schema cannot state (refinements, transforms) is left out (`{}`).
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}
