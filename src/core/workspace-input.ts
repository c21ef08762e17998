/**
 * What a workspace's settings screen sends: the changes of `PATCH /v1/workspace` and the address of
 * a test email. Shared by the server (validation) and the web app (its forms). Only zod and pure
 * checks here: whether a country code is one the phone-number rules know is checked by the server
 * alone (engine/workspace-settings.ts), as that table is too large to ship to the browser.
 */
import { z } from 'zod';
import { codedPattern } from './issue-codes.js';
import { isValidZone } from './time-zones.js';
import { PLANS } from './workspace-plan.js';

const email = z.email();

/** `ada@example.com` or `Salon Zoë <hi@example.com>`: the address is used as the emails' From. */
function isSender(text: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(text.trim());
  return email.safeParse(named ? named[1] : text.trim()).success;
}

export const COUNTRY_MESSAGE = 'expected an ISO 3166-1 alpha-2 country code, e.g. GB';

/** Days a kind of record is kept: 1 to 100 years' worth, or null to keep it forever. */
export const RETENTION_DAYS_MAX = 36500;
const retentionDays = z.number().int().min(1).max(RETENTION_DAYS_MAX).nullable();

export const workspaceChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    timezone: z.string().refine(isValidZone, { message: 'unknown IANA timezone', params: { code: 'timezone' } }),
    sender_email: z.string().refine(isSender, {
      message: 'expected an email address, e.g. hi@example.com or Salon <hi@example.com>',
      params: { code: 'email', format: 'email' },
    }).nullable(),
    country: z
      .string()
      .regex(codedPattern(/^[A-Za-z]{2}$/, 'country'), { message: COUNTRY_MESSAGE })
      .transform((code) => code.toUpperCase())
      .nullable(),
    plan: z.enum(PLANS),
    flow_limit: z.number().int().positive().nullable(),
    require_two_factor: z.boolean(),
    retention_events_days: retentionDays,
    retention_deliveries_days: retentionDays,
    retention_outbox_days: retentionDays,
  })
  .partial()
  .strict();

export type WorkspaceChanges = z.output<typeof workspaceChangesSchema>;

export const testEmailSchema = z.object({ to: z.email({ message: 'expected an email address' }) }).strict();
