/** Getting in: invites and the setup link, sign-in and sign-out, the signed-in user, password and two-factor. */
import { Hono, type Context } from 'hono';
import { acceptInvite, describeInvite } from '../../engine/accounts/invites.js';
import { mustSetUpTwoFactor, signIn, type CurrentSession, type SignedIn } from '../../engine/accounts/sessions.js';
import type { SignInLimiter } from '../../engine/accounts/sign-in-limiter.js';
import { changePassword, disableTwoFactor, enableTwoFactor, startTwoFactorSetup, userView } from '../../engine/accounts/users.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { workspaceView } from '../../engine/workspace-settings.js';
import { deleteUserSession, deleteUserSessions } from '../../store/repositories/users.js';
import type { AppEnv } from '../app-types.js';
import { clearSessionCookie, setSessionCookie } from '../auth.js';
import { readJson } from '../request-body.js';
import { requestSource } from '../proxy-trust.js';

/** What the app knows about the signed-in user. */
export function meView(s: Pick<SignedIn, 'user' | 'workspace' | 'csrfToken'>) {
  return {
    user: userView(s.user),
    workspace: workspaceView(s.workspace),
    csrf_token: s.csrfToken,
    two_factor_setup_required: mustSetUpTwoFactor(s.user, s.workspace),
  };
}


const sessionOf = (c: Context<AppEnv>): CurrentSession => c.get('principal').session!;

export function authRoutes(ctx: EngineContext, limiter: SignInLimiter): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const signedIn = (c: Context<AppEnv>, s: SignedIn, status: 200 | 201) => {
    setSessionCookie(c, s, ctx.clock.now());
    return c.json({ data: meView(s) }, status);
  };

  app.get('/invites/:token', async (c) => c.json({ data: await describeInvite(ctx, c.req.param('token')) }));
  app.post('/invites/:token/accept', async (c) => signedIn(c, await acceptInvite(ctx, c.req.param('token'), await readJson(c), requestSource(c).address), 201));
  app.post('/sign-in', async (c) => signedIn(c, await signIn(ctx, limiter, await readJson(c), requestSource(c).address), 200));

  app.get('/me', (c) => c.json({ data: meView(sessionOf(c)) }));
  app.post('/sign-out', async (c) => {
    await deleteUserSession(ctx.store.db, sessionOf(c).session.id);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  app.post('/sign-out-everywhere', async (c) => {
    await deleteUserSessions(ctx.store.db, sessionOf(c).user.id);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  app.post('/password', async (c) => {
    const s = sessionOf(c);
    await changePassword(ctx, s.user, s.session.id, await readJson(c), requestSource(c).address);
    return c.body(null, 204);
  });
  app.post('/two-factor/setup', async (c) => c.json({ data: await startTwoFactorSetup(ctx, sessionOf(c).user) }));
  app.post('/two-factor/enable', async (c) => {
    await enableTwoFactor(ctx, sessionOf(c).user, await readJson(c), requestSource(c).address);
    return c.body(null, 204);
  });
  app.post('/two-factor/disable', async (c) => {
    const s = sessionOf(c);
    await disableTwoFactor(ctx, s.user, s.workspace, await readJson(c), requestSource(c).address);
    return c.body(null, 204);
  });
  return app;
}
