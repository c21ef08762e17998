/**
 * Email over SMTP (nodemailer). With no SMTP configured, messages go to the outbox table, which
 * the API lists (`GET /v1/outbox`), so flows can be tried before a mail server is set up.
 * The Message-ID is derived from the delivery's idempotency key: a retry after a crash carries
 * the same id, which receiving systems use to drop duplicates.
 *
 * A calendar invitation travels as nodemailer's `icalEvent`: a `text/calendar; method=…` part
 * inside multipart/alternative (what Outlook and Gmail read, RFC 6047) plus the same object as an
 * `invite.ics` attachment for other clients.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { z } from 'zod';
import type { EmailStep } from '../../core/flow-definition.js';
import { STEP_KIND_SCHEMAS } from '../../core/step-validation.js';
import { ChannelError, type ChannelContext, type ChannelModule, type ChannelResult } from '../channel.js';
import type { EmailCalendar } from './email-content.js';
import { renderEmail } from './email-render.js';

export interface EmailInput {
  from: string;
  to: string;
  cc?: string | undefined;
  bcc?: string | undefined;
  replyTo?: string | undefined;
  subject: string;
  html?: string | undefined;
  text?: string | undefined;
  /** Extra headers, e.g. List-Unsubscribe for marketing email. */
  headers?: Record<string, string> | undefined;
  /** An iCalendar invitation to attach. */
  calendar?: EmailCalendar | undefined;
  /** The language variant used, for the delivery log; absent when the step's own fields were. */
  language?: string | undefined;
}

export interface OutboxMessage extends EmailInput {
  messageId: string;
  headers: Record<string, string>;
}

export interface EmailChannelOptions {
  /** `smtp://user:pass@host:port`; null writes to the outbox. */
  smtpUrl: string | null;
  writeOutbox: (context: ChannelContext, message: OutboxMessage) => Promise<string>;
  /** The engine's clock: a calendar invitation's DTSTAMP. Default Date.now. */
  now?: () => number;
}

export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'nudge.local';
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${domain}>`;
}

export function createEmailChannel(options: EmailChannelOptions): ChannelModule<EmailStep, EmailInput> & { close(): void } {
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  const now = options.now ?? Date.now;
  return {
    manifest: {
      id: 'email',
      name: 'Email',
      description: 'Sends HTML and text email over SMTP, or to the outbox when no SMTP server is configured.',
      stepKind: 'email',
    },
    settings: STEP_KIND_SCHEMAS.email as z.ZodType<EmailStep>,
    render: (settings, r) => renderEmail(settings, r, now()),
    destination: (input) => input.to,
    testTarget: {
      field: 'to',
      required: 'test_address',
      aim: (input, to) => ({ ...input, to, cc: undefined, bcc: undefined }),
    },
    async send(context, input): Promise<ChannelResult> {
      // A contact without an address: the engine skips the step and the flow goes on.
      if (!input.to.trim()) throw new ChannelError('no recipient', { retryable: false, noRecipient: true, request: input });
      const messageId = messageIdFor(context.idempotencyKey, input.from);
      const headers = { ...input.headers, 'X-Nudge-Session': context.sessionId };
      const message: OutboxMessage = { ...input, messageId, headers };
      const request = { ...message, transport: transport ? 'smtp' : 'outbox' };
      if (!transport) return { request, response: { outbox_id: await options.writeOutbox(context, message) } };
      return sendOverSmtp(transport, message, request);
    },
    close() {
      transport?.close();
    },
  };
}

/** Sends `message` through the SMTP transport; a 4xx reply is retryable, a 5xx one permanent. */
async function sendOverSmtp(transport: Transporter, message: OutboxMessage, request: unknown): Promise<ChannelResult> {
  const { messageId, headers } = message;
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      replyTo: message.replyTo,
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId,
      headers,
      ...(message.calendar
        ? { icalEvent: { method: message.calendar.method, filename: message.calendar.filename, content: message.calendar.content } }
        : {}),
    });
    return {
      request,
      response: { accepted: info.accepted, rejected: info.rejected, response: info.response, messageId: info.messageId },
    };
  } catch (error) {
    const e = error as Error & { responseCode?: number; code?: string; response?: string };
    // SMTP 4xx replies are temporary by definition (RFC 5321 §4.2.1); 5xx are permanent.
    const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
    throw new ChannelError(`SMTP: ${e.response ?? e.message}`, {
      retryable: !permanent,
      request,
      response: { code: e.code ?? null, responseCode: e.responseCode ?? null, response: e.response ?? null },
      cause: error,
    });
  }
}
