/**
 * Inbound sources (`/v1/sources`): create (the URL and signing secret are returned; the secret
 * only now and on rotate), list with each source's last delivery, get, update, rotate, delete, the
 * deliveries a source received (newest first), replay one, and preview what a sample body becomes.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { formatStoredTime as iso } from '../../core/input-ranges.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { deliveryView } from '../../engine/sources/deliveries.js';
import { previewSource, replayDelivery } from '../../engine/sources/source-actions.js';
import { createSource, rotateSource, sourceConfig, updateSource } from '../../engine/sources/source-service.js';
import type { SourceDeliveryRow, SourceRow } from '../../store/source-tables.js';
import { deleteSource, getDelivery, getSource, lastDeliveries, listDeliveries, listSources } from '../../store/repositories/sources.js';
import type { AppEnv } from '../app-types.js';
import { PAGE_PARAMS, pageFrom, pageOf } from '../pagination.js';
import { defineQuery } from '../query-params.js';
import { readJson } from '../request-body.js';
import { publicBase } from './users.js';

export const DELIVERY_LIST_QUERY = defineQuery({ ...PAGE_PARAMS });

const ws = (c: Context<AppEnv>) => c.get('workspace').id;

/** A source as the API shows it: its URL, config, times, last delivery, and `secret` when one was just made. */
function sourceView(ctx: EngineContext, c: Context<AppEnv>, row: SourceRow, last: SourceDeliveryRow | null | undefined, secret?: string) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    url: `${publicBase(ctx, c)}/hooks/${ctx.secretBox.decrypt(row.token_ciphertext)}`,
    config: sourceConfig(row),
    created_at: iso(row.created_at),
    rotated_at: iso(row.rotated_at),
    last_delivery: last ? deliveryView(last, { body: false }) : null,
    ...(secret === undefined ? {} : { secret }),
  };
}

/** `sourceView` of one source, with its last delivery read. */
async function viewWithLastDelivery(ctx: EngineContext, c: Context<AppEnv>, row: SourceRow, secret?: string) {
  const last = await lastDeliveries(ctx.store.db, [row.id]);
  return sourceView(ctx, c, row, last.get(row.id), secret);
}

/** `/{id}/deliveries…`: the webhooks a source received, one of them, and replaying one. */
function sourceDeliveryRoutes(app: Hono<AppEnv>, ctx: EngineContext): void {
  app.get('/:id/deliveries', DELIVERY_LIST_QUERY.check, async (c) => {
    const source = await getSource(ctx.store.db, ws(c), c.req.param('id'));
    const page = pageFrom(DELIVERY_LIST_QUERY.read(c));
    const rows = await listDeliveries(ctx.store.db, source.id, page);
    return c.json(pageOf(rows, page, (row) => deliveryView(row, { body: true })));
  });

  app.get('/:id/deliveries/:deliveryId', async (c) => {
    const source = await getSource(ctx.store.db, ws(c), c.req.param('id'));
    return c.json({ data: deliveryView(await getDelivery(ctx.store.db, source.id, c.req.param('deliveryId')), { body: true }) });
  });

  app.post('/:id/deliveries/:deliveryId/replay', async (c) => {
    const row = await replayDelivery(ctx, ws(c), c.req.param('id'), c.req.param('deliveryId'));
    return c.json({ data: deliveryView(row, { body: false }) });
  });
}

export function sourceRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const rows = await listSources(ctx.store.db, ws(c));
    const last = await lastDeliveries(ctx.store.db, rows.map((r) => r.id));
    return c.json({ data: rows.map((row) => sourceView(ctx, c, row, last.get(row.id))) });
  });

  app.post('/', async (c) => {
    const { row, secret } = await createSource(ctx.store.db, ctx.secretBox, ws(c), await readJson(c), ctx.clock.now());
    return c.json({ data: sourceView(ctx, c, row, null, secret) }, 201);
  });

  app.get('/:id', async (c) => c.json({ data: await viewWithLastDelivery(ctx, c, await getSource(ctx.store.db, ws(c), c.req.param('id'))) }));

  app.patch('/:id', async (c) => {
    const row = await updateSource(ctx.store.db, ws(c), c.req.param('id'), await readJson(c));
    return c.json({ data: await viewWithLastDelivery(ctx, c, row) });
  });

  app.post('/:id/rotate', async (c) => {
    const text = await c.req.text();
    const input = text.trim() === '' ? {} : await readJson(c);
    const { row, secret } = await rotateSource(ctx.store.db, ctx.secretBox, ws(c), c.req.param('id'), input, ctx.clock.now());
    return c.json({ data: await viewWithLastDelivery(ctx, c, row, secret) });
  });

  app.delete('/:id', async (c) => {
    await ctx.store.transaction((trx) => deleteSource(trx, ws(c), c.req.param('id')));
    return c.body(null, 204);
  });

  app.post('/:id/preview', async (c) => c.json({ data: await previewSource(ctx, ws(c), c.req.param('id'), await readJson(c)) }));

  sourceDeliveryRoutes(app, ctx);
  return app;
}
