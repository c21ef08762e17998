/**
 * The OpenAPI document covers the API: every route registered on the app appears with its method,
 * every query parameter a route declares (query-params.ts) appears with the same schema, and every
 * query parameter a route actually reads while answering a request is documented, whether or not
 * the route declared it.
 */
import { HonoRequest } from 'hono/request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { querySpecOf } from '../../src/server/query-params.js';
import { createHarness, type Harness } from '../helpers/harness.js';

type Json = Record<string, any>;

/** `/v1/flows/:id/pause` → `/v1/flows/{id}/pause`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('OpenAPI document coverage', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let doc: Json;

  beforeAll(async () => {
    h = await createHarness('sqlite');
    app = createApp(h.engine.ctx);
    doc = (await (await app.request('/v1/openapi.json')).json()) as Json;
  });
  afterAll(async () => {
    await h.close();
  });

  /** Method + path of every handler registered for a real route (middleware is registered as ALL). */
  const operations = () => {
    const seen = new Map<string, { method: string; path: string; handlers: unknown[] }>();
    for (const route of app.routes) {
      if (route.method === 'ALL') continue;
      const key = `${route.method} ${route.path}`;
      const entry = seen.get(key) ?? { method: route.method, path: route.path, handlers: [] };
      entry.handlers.push(route.handler);
      seen.set(key, entry);
    }
    return [...seen.values()];
  };

  const operationOf = (method: string, path: string): Json | undefined => doc.paths?.[openApiPath(path)]?.[method.toLowerCase()];
  const queryParamsOf = (operation: Json | undefined): Json[] => (operation?.parameters ?? []).filter((p: Json) => p.in === 'query');

  it('documents every registered route with its method', () => {
    const missing = operations()
      .filter(({ method, path }) => !operationOf(method, path))
      .map(({ method, path }) => `${method} ${openApiPath(path)}`);
    expect(operations().length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });

  it('documents no operation that is not registered', () => {
    const registered = new Set(operations().map(({ method, path }) => `${method.toLowerCase()} ${openApiPath(path)}`));
    const stale: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const method of Object.keys(item)) if (!registered.has(`${method} ${path}`)) stale.push(`${method} ${path}`);
    }
    expect(stale).toEqual([]);
  });

  it('documents each declared query parameter with its schema, and no undeclared one', () => {
    const problems: string[] = [];
    let declaredRoutes = 0;
    for (const { method, path, handlers } of operations()) {
      const spec = handlers.map(querySpecOf).find(Boolean);
      if (!spec) continue;
      declaredRoutes += 1;
      const documented = new Map(queryParamsOf(operationOf(method, path)).map((p) => [p.name as string, p]));
      for (const [name, param] of Object.entries(spec.params)) {
        const doc = documented.get(name);
        if (!doc) problems.push(`${method} ${path}: ?${name} is not documented`);
        else if (JSON.stringify(doc.schema) !== JSON.stringify(param.schema)) problems.push(`${method} ${path}: ?${name} documented with another schema`);
        documented.delete(name);
      }
      for (const name of documented.keys()) problems.push(`${method} ${path}: ?${name} is documented but not declared`);
    }
    expect(declaredRoutes).toBeGreaterThanOrEqual(9);
    expect(problems).toEqual([]);
  });

  it('documents every query parameter a route reads while answering', async () => {
    const reads = new Set<string>();
    const record = (request: HonoRequest, name: string | undefined) => {
      if (name !== undefined) reads.add(`${request.method} ${request.routePath} ${name}`);
    };
    const query = Object.getOwnPropertyDescriptor(HonoRequest.prototype, 'query')!.value as (this: HonoRequest, key?: string) => unknown;
    const queries = Object.getOwnPropertyDescriptor(HonoRequest.prototype, 'queries')!.value as (this: HonoRequest, key?: string) => unknown;
    HonoRequest.prototype.query = function (this: HonoRequest, key?: string) {
      record(this, key);
      return query.call(this, key);
    } as HonoRequest['query'];
    HonoRequest.prototype.queries = function (this: HonoRequest, key?: string) {
      record(this, key);
      return queries.call(this, key);
    } as HonoRequest['queries'];
    try {
      for (const { method, path } of operations()) {
        const url = path.replace(/:([A-Za-z_]+)/g, 'x_unknown');
        await h.api(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      }
    } finally {
      HonoRequest.prototype.query = query as HonoRequest['query'];
      HonoRequest.prototype.queries = queries as HonoRequest['queries'];
    }
    const undocumented = [...reads].filter((read) => {
      const [method, path, name] = read.split(' ') as [string, string, string];
      if (path === '/*' || path.endsWith('*')) return false;
      return !queryParamsOf(operationOf(method, path)).some((p) => p.name === name);
    });
    expect(reads.size).toBeGreaterThan(10);
    expect(undocumented).toEqual([]);
  });
});
