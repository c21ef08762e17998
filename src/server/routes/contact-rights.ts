/** A contact's data rights: export as JSON, erase; and all contacts as CSV. */
import { Hono } from 'hono';
import { contactsCsv } from '../../engine/contact-csv.js';
import { eraseContact, exportContact } from '../../engine/contact-rights.js';
import type { EngineContext } from '../../engine/engine-context.js';
import type { AppEnv } from '../app-types.js';

/**
 * Pulls the generator as the client reads, so a large export streams instead of filling memory.
 * The pieces in `ready` (read before answering) go first.
 */
function streamOf(ready: string[], pieces: AsyncGenerator<string>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = ready.length > 0 ? { done: false as const, value: ready.shift()! } : await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // The status is already sent: the client sees a cut-off download, the log says why.
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

  app.get('/contacts.csv', async (c) => {
    const workspace = c.get('workspace');
    const pieces = contactsCsv(ctx.store.db, workspace.id);
    // The header and the first page are read before answering, so a database that is down answers
    // 503 like any other request instead of a 200 with a cut-off file.
    const ready: string[] = [];
    for (let i = 0; i < 2; i++) {
      const next = await pieces.next();
      if (next.done) break;
      ready.push(next.value);
    }
    const body = streamOf(ready, pieces, (err) => ctx.logger.error({ err, workspace: workspace.id }, 'contacts CSV export failed mid-way'));
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
