/**
 * How this installation delivers, as a workspace's settings page shows it (read only: these are
 * the operator's environment variables, not the workspace's): whether email goes to an SMTP server
 * or to the outbox, the default sender, and the outbound allow-list. And a test email, to check the
 * SMTP settings from the web app.
 */
import { ValidationError } from '../core/errors.js';
import { testEmailSchema } from '../core/workspace-input.js';
import { zodIssues } from '../core/zod-issues.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';

export function deliverySettingsView(ctx: EngineContext, workspace: Workspace) {
  return {
    email: {
      transport: ctx.config.smtpUrl ? ('smtp' as const) : ('outbox' as const),
      // The host only: the URL may hold a user name and password.
      smtp_host: ctx.config.smtpUrl ? safeHost(ctx.config.smtpUrl) : null,
      default_from: workspace.sender_email ?? ctx.config.smtpFrom,
    },
    outbound_allow: [...ctx.config.outboundAllow],
  };
}

function safeHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return null;
  }
}

/** Sends a short email to `to` through the configured transport; the channel's result or error is the answer. */
export async function sendTestEmail(ctx: EngineContext, workspace: Workspace, body: unknown) {
  const parsed = testEmailSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_request', zodIssues(parsed.error));
  const now = ctx.clock.now();
  const context = { idempotencyKey: `test-email.${workspace.id}.${now}`, workspaceId: workspace.id, sessionId: 'test' };
  const input = {
    from: workspace.sender_email ?? ctx.config.smtpFrom,
    to: parsed.data.to,
    subject: 'Nudge test email',
    text: `This is a test email from Nudge (workspace "${workspace.name}"). If you can read it, email delivery works.`,
  };
  try {
    const email = ctx.registry.get('email');
    if (!email) throw new Error('the email channel is not registered');
    const result = await email.send(context, input);
    return { ok: true, transport: ctx.config.smtpUrl ? 'smtp' : 'outbox', response: result.response ?? null };
  } catch (error) {
    return { ok: false, transport: 'smtp', error: (error as Error).message };
  }
}
