/**
 * The HTTP API. Routes stay thin: parse and validate, call one engine function, map the result.
 * Tests call `app.request()` without opening a port.
 */
import { Hono } from 'hono';
import { NudgeError } from '../core/errors.js';
import type { EngineContext } from '../engine/engine-context.js';
import type { AppEnv } from './app-types.js';
import { authorize } from './access.js';
import { authenticate } from './auth.js';
import { SignInLimiter } from '../engine/accounts/sign-in-limiter.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { errorBody, mapError } from './error-mapping.js';
import { buildOpenApiDocument } from './openapi.js';
import { probeRoutes } from './probe-routes.js';
import { readWholeBody } from './request-size.js';
import { refuseNulInUrl } from './request-url.js';
import { resolveRequestSource } from './proxy-trust.js';
import { readChangeMarks } from '../store/repositories/activity-counts.js';
import { ChangeFeed } from './change-feed.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { flowTrialRoutes } from './routes/flow-trials.js';
import { flowRoutes } from './routes/flows.js';
import { recordRoutes } from './routes/records.js';
import { contactRightsRoutes } from './routes/contact-rights.js';
import { scheduleRoutes } from './routes/schedules.js';
import { presetRoutes } from './routes/presets.js';
import { schemaRoutes } from './routes/schemas.js';
import { secretRoutes } from './routes/secrets.js';
import { hookRoutes } from './routes/hooks.js';
import { sourceRoutes } from './routes/sources.js';
import { sessionRoutes } from './routes/sessions.js';
import { streamRoutes } from './routes/stream.js';
import { workspaceRoutes } from './routes/workspace.js';
import { webAssetRoutes } from './web-assets.js';

export function createApp(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limit = ctx.config.maxBodyBytes;

  app.onError((error, c) => mapError(error, c, ctx.logger));
  app.notFound((c) =>
    c.json(errorBody(new NudgeError('not_found', `no route for ${c.req.method} ${c.req.path}`, { status: 404 })), 404),
  );
  app.use('*', readWholeBody(limit));
  app.use('*', refuseNulInUrl);
  app.use('*', resolveRequestSource(ctx.config.trustProxy));

  app.route('/', probeRoutes(ctx));
  const openapi = buildOpenApiDocument();
  app.get('/v1/openapi.json', (c) => c.json(openapi));

  // One change feed per app, and one app per process: the stream's single poller.
  const feed = new ChangeFeed({ read: (ids) => readChangeMarks(ctx.store.db, ids), now: () => ctx.clock.now(), logger: ctx.logger });

  const v1 = new Hono<AppEnv>();
  v1.use('*', authenticate(ctx));
  v1.use('*', authorize(ctx));
  v1.route('/auth', authRoutes(ctx, new SignInLimiter(ctx.store.db)));
  v1.route('/events', eventRoutes(ctx));
  v1.route('/flows', flowRoutes(ctx));
  v1.route('/flows', flowTrialRoutes(ctx));
  v1.route('/sessions', sessionRoutes(ctx));
  v1.route('/secrets', secretRoutes(ctx));
  v1.route('/presets', presetRoutes(ctx));
  v1.route('/', scheduleRoutes(ctx));
  v1.route('/workspace', workspaceRoutes(ctx));
  v1.route('/api-keys', apiKeyRoutes(ctx));
  v1.route('/sources', sourceRoutes(ctx));
  v1.route('/', recordRoutes(ctx));
  v1.route('/', contactRightsRoutes(ctx));
  v1.route('/', userRoutes(ctx));
  v1.route('/', dashboardRoutes(ctx));
  v1.route('/stream', streamRoutes(feed));
  v1.route('/schemas', schemaRoutes(ctx));
  app.route('/v1', v1);
  // Webhooks from booking systems: the token in the path and the vendor's signature are their authentication.
  app.route('/hooks', hookRoutes(ctx));
  app.route('/', webAssetRoutes());
  return app;
}
