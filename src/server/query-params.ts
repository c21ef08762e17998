/**
 * Query parameters are declared per route, once: the same declaration parses the request
 * (`spec.read(c)`), validates it before the handler runs (`spec.check`, a middleware) and describes
 * the parameters in the OpenAPI document (`queryParameters(spec)`), so the document lists exactly
 * what routes read. A declared parameter given twice (`?status=a&status=b`) is refused rather than
 * one value silently winning; an empty value means "not given", except for integers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { parseIsoTime } from '../core/input-ranges.js';
import { issueAt, problemAt, type CodedProblem } from '../core/issue-codes.js';

type Json = Record<string, unknown>;

export interface QueryParam<T> {
  description: string;
  /** JSON Schema of the value, for the OpenAPI document. */
  schema: Json;
  /** The value, or the problem: what was expected (an issue code and its params). */
  parse(raw: string): { value: T | undefined } | { problem: CodedProblem };
}

export type QueryParams = Record<string, QueryParam<unknown>>;
export type QueryValues<P extends QueryParams> = { [K in keyof P]: P[K] extends QueryParam<infer T> ? T | undefined : never };

export interface QuerySpec<P extends QueryParams> {
  params: P;
  read(c: Context): QueryValues<P>;
  /** Refuses bad parameters before the handler runs, so a handler that exits early still checks them. */
  check: MiddlewareHandler;
}

const specs = new WeakMap<MiddlewareHandler, QuerySpec<QueryParams>>();

/** The spec a route's `check` middleware belongs to (for the OpenAPI coverage test). */
export function querySpecOf(handler: unknown): QuerySpec<QueryParams> | undefined {
  return typeof handler === 'function' ? specs.get(handler as MiddlewareHandler) : undefined;
}

/**
 * The values of `params` read from `queries` (every value given for a name), or a
 * `400 invalid_query` with a coded issue per bad parameter.
 */
export function parseQuery<P extends QueryParams>(params: P, queries: (name: string) => string[] | undefined): QueryValues<P> {
  const values: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [name, param] of Object.entries(params)) {
    const given = queries(name) ?? [];
    if (given.length > 1) {
      issues.push(issueAt(name, 'given_twice'));
      continue;
    }
    const raw = given[0];
    if (raw === undefined) continue;
    const result = param.parse(raw);
    if ('problem' in result) issues.push(problemAt(name, result.problem));
    else values[name] = result.value;
  }
  if (issues.length > 0) throw new ValidationError('invalid_query', issues);
  return values as QueryValues<P>;
}

export function defineQuery<P extends QueryParams>(params: P): QuerySpec<P> {
  const read = (c: Context): QueryValues<P> => parseQuery(params, (name) => c.req.queries(name));
  const check: MiddlewareHandler = async (c, next) => {
    read(c);
    await next();
  };
  const spec: QuerySpec<P> = { params, read, check };
  specs.set(check, spec as unknown as QuerySpec<QueryParams>);
  return spec;
}

/** An exact-match filter; empty means no filter. */
export function textParam(description: string): QueryParam<string> {
  return {
    description,
    schema: { type: 'string', maxLength: 1000 },
    parse: (raw) => (raw === '' ? { value: undefined } : raw.length > 1000 ? { problem: { code: 'at_most_chars', params: { count: 1000 } } } : { value: raw }),
  };
}

/** A search: trimmed, at most 200 characters; empty means no filter. */
export function searchParam(description: string): QueryParam<string> {
  return {
    description,
    schema: { type: 'string', maxLength: 200 },
    parse: (raw) => {
      const value = raw.trim();
      return value === '' ? { value: undefined } : value.length > 200 ? { problem: { code: 'at_most_chars', params: { count: 200 } } } : { value };
    },
  };
}

/** One of a fixed list; empty means no filter. */
export function enumParam<T extends string>(values: readonly T[], description: string): QueryParam<T> {
  return {
    description,
    schema: { type: 'string', enum: [...values] },
    parse: (raw) =>
      raw === '' ? { value: undefined } : values.includes(raw as T) ? { value: raw as T } : { problem: { code: 'invalid_value', params: { values: values.join(', ') } } },
  };
}

/** A contact filter, resolved by `resolveRefFilters`. */
export const CONTACT_REF_PARAM = textParam("contact: Nudge's id (ct_…) or the booking system's external id");

/** An appointment filter, resolved by `resolveRefFilters`. */
export const APPOINTMENT_REF_PARAM = textParam("appointment: Nudge's id (ap_…) or the booking system's id");

/** A whole number in [min, max] written in decimal digits. */
export function integerParam(min: number, max: number, description: string): QueryParam<number> {
  return {
    description,
    schema: { type: 'integer', minimum: min, maximum: max },
    parse: (raw) => {
      const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
      return Number.isSafeInteger(value) && value >= min && value <= max ? { value } : { problem: { code: 'integer_range', params: { minimum: min, maximum: max } } };
    },
  };
}

/** An ISO 8601 time with Z or an offset, as epoch milliseconds; empty means not given. */
export function isoTimeParam(description: string): QueryParam<number> {
  return {
    description,
    schema: { type: 'string', format: 'date-time' },
    parse: (raw) => {
      if (raw === '') return { value: undefined };
      // An unencoded `+01:00` arrives as ` 01:00` (a + in a query string means a space).
      const ms = parseIsoTime(raw.replace(/ (\d{2}(:?\d{2})?)$/, '+$1'));
      return ms === null ? { problem: { code: 'iso_offset_time' } } : { value: ms };
    },
  };
}

/** `true` or `false`. */
export function booleanParam(description: string): QueryParam<boolean> {
  return {
    description,
    schema: { type: 'boolean' },
    parse: (raw) => (raw === 'true' ? { value: true } : raw === 'false' ? { value: false } : { problem: { code: 'true_or_false' } }),
  };
}

/** The OpenAPI `parameters` entries of a spec. */
export function queryParameters(spec: QuerySpec<QueryParams>): Json[] {
  return Object.entries(spec.params).map(([name, param]) => ({
    name,
    in: 'query',
    required: false,
    description: param.description,
    schema: param.schema,
  }));
}
