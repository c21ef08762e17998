/**
 * The pieces every part of the OpenAPI document is built from (openapi.ts, openapi-access.ts,
 * openapi-sources.ts, openapi-rights.ts): request bodies from the zod schemas the routes validate
 * with, path parameters, and responses.
 */
import type { z } from 'zod';
import { jsonSchemaOf } from '../core/json-schema.js';

export type Json = Record<string, unknown>;

/** The JSON Schema of what a zod schema accepts, as the document's schemas and request bodies show it. */
export const toSchema = (schema: z.ZodType): Json => jsonSchemaOf(schema);

/** A reference to one of the document's `components.schemas`. */
export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** A JSON response described in words, with its schema (an object by default). */
export const ok = (description: string, schema: Json = { type: 'object' }): Json => ({ description, content: { 'application/json': { schema } } });

/** An error response (the `Error` schema). */
export const error = (description: string): Json => ({ description, content: { 'application/json': { schema: ref('Error') } } });

/** A required JSON request body of this JSON Schema. */
export const jsonBody = (schema: Json): Json => ({ required: true, content: { 'application/json': { schema } } });

/** A required JSON request body validated by `schema`, with an example. */
export const body = (schema: z.ZodType, example?: Json): Json => jsonBody({ ...toSchema(schema), ...(example ? { example } : {}) });

/** A path parameter (a string). */
export const param = (name: string): Json => ({ name, in: 'path', required: true, schema: { type: 'string' } });

export const noContent = { '204': { description: 'Done' } };
