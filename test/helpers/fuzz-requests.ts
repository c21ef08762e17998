/**
 * Requests for the API fuzz test (test/server/fuzz.test.ts): a random plan (fast-check) picks an
 * operation of the OpenAPI document and how to spoil it; these functions turn the plan into a URL,
 * headers and a body. Bodies start from the operation's documented schema and are then mutated.
 */
import fc from 'fast-check';

type Json = Record<string, any>;

/** Any date-time field of a sampled body. */
const SAMPLE_TIME = '2026-11-25T09:00:00.000Z';

export interface Operation {
  method: string;
  path: string;
  operation: Json;
}

export interface Fixtures {
  ids: Record<string, string>;
  hints: Record<string, unknown>;
}

export interface Plan {
  op: number;
  idMode: number;
  idText: string;
  queryMode: number;
  queryText: string;
  bodyMode: number;
  pick: number;
  hostile: unknown;
  keyName: string;
  contentMode: number;
}

const TEMPLATE_INJECTIONS = [
  '{{ 7 * 7 }}',
  '{{ secrets.API_KEY }}',
  '{% raw %}{{',
  '{% for i in (1..100000) %}x{% endfor %}',
  '{{ "a" | append: contact.email | upcase }}',
  '{% include "/etc/passwd" %}',
  '{{ constructor.constructor("return process")() }}',
  '{{',
  '{% if %}',
  '}}{%',
];
const SQL_LIKE = ["' OR '1'='1", "'; DROP TABLE events; --", '" OR ""="', '1; SELECT pg_sleep(5)', "\\'; --", '%', '_', '*'];
const ODD_STRINGS = ['', ' ', '9999999999d', 'P99999999999D', '9007199254740991ms', '\uD800', '\uDFFF', 'a\uD800b', '\uFEFF', '\u202E', '\u0000', 'null', 'undefined', 'NaN', '-1', '1e400', '0x10', '../..', '%00', '%ZZ', '💥'.repeat(50)];
const ODD_NUMBERS = [0, -0, -1, 1.5, 2 ** 31, 2e11, 2 ** 53 + 2, 1e300, -1e300, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE];
const EXTREME_TIMES = ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-02-30T10:00:00Z', '2026-12-01T10:00:00', '2026-12-01T10:00:00+99:00', '1970-01-01T00:00:00Z'];
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'a.b', '$where'];

const deepValue = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

const hostileArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, [], {}, ...ODD_NUMBERS, ...ODD_STRINGS, ...SQL_LIKE, ...TEMPLATE_INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(5, 50, 99, 150).map(deepValue),
  fc.constantFrom(1_000, 100_000, 900_000).map((n) => 'x'.repeat(n)),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...SPECIAL_KEYS)), fc.oneof(fc.string(), fc.integer()), { maxKeys: 4 }),
);

export const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  // Unbiased: fast-check favours small and extreme numbers, which would give some operations far
  // more runs than others, and a different some whenever an operation is added.
  op: fc.noBias(fc.nat()),
  idMode: fc.nat({ max: 9 }),
  idText: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...ODD_STRINGS, ...SQL_LIKE)),
  queryMode: fc.nat({ max: 9 }),
  queryText: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...ODD_STRINGS, ...SQL_LIKE, ...TEMPLATE_INJECTIONS)),
  bodyMode: fc.nat({ max: 13 }),
  pick: fc.nat(),
  hostile: hostileArbitrary,
  keyName: fc.oneof(fc.constantFrom(...SPECIAL_KEYS), fc.string({ maxLength: 10 })),
  contentMode: fc.nat({ max: 14 }),
});

/** A value matching a JSON Schema: its example if it has one, else the simplest valid-looking value. */
export function sample(schema: Json | undefined, doc: Json, hints: Record<string, unknown>, depth = 0): unknown {
  if (!schema || depth > 8) return {};
  if (schema.$ref) return sample(doc.components.schemas[String(schema.$ref).split('/').pop()!], doc, hints, depth + 1);
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return sample(variants[0], doc, hints, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out: Json = {};
    const required = new Set<string>(schema.required ?? []);
    for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
      if (name in hints) out[name] = structuredClone(hints[name]);
      else if (required.has(name)) out[name] = sample(property, doc, hints, depth + 1);
    }
    return out;
  }
  if (type === 'array') return [sample(schema.items, doc, hints, depth + 1)];
  if (type === 'string') return schema.format === 'date-time' ? SAMPLE_TIME : schema.format === 'email' ? 'ada@example.com' : 'x';
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  return {};
}

/** Every path into a value, objects and arrays included (the root is `[]`). */
function pathsOf(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(prefix);
  if (prefix.length > 12 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function setAt(root: unknown, path: Array<string | number>, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  let node = root as any;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

export function mutateBody(valid: unknown, plan: Plan): unknown {
  const body = structuredClone(valid);
  const paths = pathsOf(body);
  const path = paths[plan.pick % paths.length]!;
  const objects = paths.filter((p) => {
    let node = body as any;
    for (const key of p) node = node[key];
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  switch (plan.bodyMode) {
    case 0:
    case 1:
      return body;
    case 2:
    case 3:
      return setAt(body, path, plan.hostile);
    case 4:
      return path.length ? setAt(body, path, undefined, true) : body;
    case 5: {
      const target = objects[plan.pick % Math.max(objects.length, 1)] ?? [];
      // A key named __proto__ set with defineProperty is an own field, as JSON.parse would make it.
      let node = body as any;
      for (const key of target) node = node[key];
      if (node && typeof node === 'object') Object.defineProperty(node, plan.keyName, { value: plan.hostile, enumerable: true, writable: true, configurable: true });
      return body;
    }
    case 6: {
      const injection = TEMPLATE_INJECTIONS[plan.pick % TEMPLATE_INJECTIONS.length]!;
      const strings = paths.filter((p) => typeof p.reduce<any>((n, k) => n?.[k], body) === 'string');
      const target = strings[plan.pick % Math.max(strings.length, 1)];
      return target ? setAt(body, target, `${String(target.reduce<any>((n, k) => n?.[k], body))}${injection}`) : body;
    }
    case 7: {
      const strings = paths.filter((p) => typeof p.reduce<any>((n, k) => n?.[k], body) === 'string');
      const target = strings[plan.pick % Math.max(strings.length, 1)];
      return target ? setAt(body, target, SQL_LIKE[plan.pick % SQL_LIKE.length]) : body;
    }
    case 8:
      return plan.hostile;
    case 9:
      return setAt(body, path, deepValue(90 + (plan.pick % 20)));
    case 10:
    case 11:
    case 12: {
      // Type-aware: a number becomes an extreme number, a time an extreme time, a string an odd one.
      const valueAt = (p: Array<string | number>) => p.reduce<any>((n, k) => n?.[k], body);
      const isTime = (v: unknown) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v);
      const wanted = [(v: unknown) => typeof v === 'number', isTime, (v: unknown) => typeof v !== 'object'][plan.bodyMode - 10]!;
      const leaves = paths.filter((p) => p.length > 0 && wanted(valueAt(p)));
      const target = leaves[plan.pick % Math.max(leaves.length, 1)];
      if (!target) return body;
      const current = target.reduce<any>((n, k) => n?.[k], body);
      const i = Math.floor(plan.pick / 7);
      if (typeof current === 'number') return setAt(body, target, ODD_NUMBERS[i % ODD_NUMBERS.length]);
      if (isTime(current)) return setAt(body, target, EXTREME_TIMES[i % EXTREME_TIMES.length]);
      return setAt(body, target, ODD_STRINGS[i % ODD_STRINGS.length]);
    }
    default:
      return body;
  }
}

/** The raw body and content type sent: JSON of the body, or something no JSON parser expects. */
export function encodeBody(body: unknown, plan: Plan): { payload?: string | Uint8Array; type?: string } {
  const json = JSON.stringify(body) ?? 'null';
  switch (plan.contentMode) {
    case 0:
      return { payload: json.slice(0, Math.max(1, plan.pick % json.length)), type: 'application/json' };
    case 1:
      return { payload: json, type: 'text/plain' };
    case 2:
      return { payload: json, type: 'application/yaml' };
    case 3:
      return { payload: `a: &a [*a]\nname: x\n${'- '.repeat(plan.pick % 50)}x`, type: 'application/yaml' };
    case 4:
      return { payload: json, type: undefined };
    case 5:
      return { payload: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), type: 'application/json' };
    case 6:
      return { payload: '', type: 'application/json' };
    case 7:
      return { payload: json, type: 'multipart/form-data; boundary=x' };
    case 8:
      return { payload: json, type: 'application/json; charset=utf-16' };
    case 9:
      return { payload: `${json}${json}`, type: 'application/json' };
    default:
      return { payload: json, type: 'application/json' };
  }
}

function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

export function pathFor(op: Operation, plan: Plan, fixtures: Fixtures): string {
  return op.path.replace(/\{([A-Za-z_]+)\}/g, () => {
    const valid = fixtures.ids[op.path] ?? 'x';
    switch (plan.idMode) {
      case 0:
        return encodeSegment(plan.idText) || 'x';
      case 1:
        return ['%ZZ', '%00', '%2F', '..', '%ED%A0%80', '%C0%AF', '%25'][plan.pick % 7]!;
      case 2:
        return 'a'.repeat(5_000);
      case 3:
        return encodeSegment(SQL_LIKE[plan.pick % SQL_LIKE.length]!);
      default:
        return encodeSegment(valid);
    }
  });
}

export function queryFor(op: Operation, plan: Plan): string {
  const params: Json[] = (op.operation.parameters ?? []).filter((p: Json) => p.in === 'query');
  const pairs: string[] = [];
  const text = encodeSegment(plan.queryText);
  for (const [i, param] of params.entries()) {
    const schema = param.schema ?? {};
    const valid = schema.enum ? schema.enum[plan.pick % schema.enum.length] : schema.type === 'integer' ? schema.minimum ?? 1 : schema.type === 'boolean' ? 'false' : 'x';
    const name = encodeSegment(param.name);
    switch ((plan.queryMode + i) % 10) {
      case 0:
        pairs.push(`${name}=${text}`);
        break;
      case 1:
        pairs.push(`${name}=${encodeSegment(String(valid))}`, `${name}=${text}`);
        break;
      case 2:
        pairs.push(`${name}=%ZZ`);
        break;
      case 3:
        pairs.push(`${name}=${'9'.repeat(400)}`);
        break;
      case 4:
        pairs.push(`${name}`);
        break;
      case 5:
      case 6:
        pairs.push(`${name}=${encodeSegment(String(valid))}`);
        break;
      default:
        break;
    }
  }
  if (plan.queryMode === 9) pairs.push(`${text}=${text}`, '__proto__=1', 'constructor[prototype]=1');
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** What makes a response wrong, or undefined when it is acceptable. */
export function problemWith(status: number, text: string): string | undefined {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status} without a JSON body: ${text.slice(0, 200)}`;
  }
  const error = body?.error;
  if (Object.keys(body ?? {}).join() !== 'error' || typeof error !== 'object' || error === null) return `status ${status}: not an error body: ${text.slice(0, 200)}`;
  if (typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '') return `status ${status}: code/message missing: ${text.slice(0, 200)}`;
  if (error.path !== undefined && typeof error.path !== 'string') return `status ${status}: path not a string`;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'path', 'details'].includes(k));
  if (extra.length) return `status ${status}: unexpected error fields ${extra.join(', ')}`;
  return undefined;
}
