/** A contact's data rights: export as JSON, erase; and all contacts as CSV. */
import { Hono } from 'hono';
import { contactsCsv } from '../../engine/contact-csv.js';
import { eraseContact, exportContact } from '../../engine/contact-rights.js';
import type { EngineContext } from '../../engine/engine-context.js';
import type { AppEnv } from '../app-types.js';

/** Pulls the generator as the client reads, so a large export streams instead of filling memory. */
function streamOf(pieces: AsyncGenerator<string>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}

export function contactRightsRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/contacts.csv', (c) => {
    const workspace = c.get('workspace');
    const body = streamOf(contactsCsv(ctx.store.db, workspace.id), (err) => ctx.logger.error({ err, workspace: workspace.id }, 'contacts CSV export failed mid-way'));
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="nudge-contacts.csv"',
      'cache-control': 'no-store',
    });
  });
  app.get('/contacts/:id/export', async (c) => {
    const data = await exportContact(ctx, c.get('workspace'), c.req.param('id'));
    c.header('cache-control', 'no-store');
    return c.json({ data });
  });
  app.post('/contacts/:id/erase', async (c) => c.json({ data: await eraseContact(ctx, c.get('workspace'), c.req.param('id')) }));
  return app;
}
