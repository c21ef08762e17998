/**
 * A source vendor is one module, as a channel is: what it is called, the headers worth keeping,
 * its settings, how it makes a signing secret (or which of the secrets the vendor issued signs),
 * how it verifies a request over the raw bytes, the body format it sends, and what a verified body
 * means (core/sources/source-decision.ts). The engine (engine/sources/) owns storage, duplicate
 * detection, booking links, outbound calls and ingest; a vendor module owns none of it.
 */
import type { z } from 'zod';
import type { SourceDecision } from '../core/sources/source-decision.js';

export interface InboundRequest {
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
  /** The body exactly as received: signatures are checked over these bytes. */
  body: Uint8Array;
  /** The URL the vendor called (some vendors sign it; see reference/sources.md on Square). */
  url: string;
}

export type Verification =
  | {
      ok: true;
      /** The vendor's id of this delivery, when it sends one (Standard Webhooks `webhook-id`). */
      deliveryId: string | null;
      /** What makes this exact delivery recognisable when it comes again: its delivery id, else its signature. */
      replayKey: string;
    }
  | { ok: false; code: 'missing_signature' | 'bad_signature' | 'stale_timestamp'; reason: string };

/** What a vendor's `decide` may use besides the body: its source's credentials and the outbound guard. */
export interface VendorContext<Credentials = unknown> {
  /** The delivery's kept headers (lower case): some vendors name the event in one (Shopify's topic). */
  headers: Readonly<Record<string, string>>;
  /** The vendor-issued secrets stored on the source (null for vendors without `credentials`). */
  credentials: Credentials | null;
  /**
   * GETs JSON through the engine's outbound guard, with a timeout. Throws a NudgeError with status
   * 502 when the vendor's API cannot be reached or answers non-2xx (the delivery answers 502 and
   * the vendor retries it).
   */
  getJson(url: string, headers: Record<string, string>): Promise<unknown>;
  /** The base URL of the vendor's API: NUDGE_CHANNEL_ENDPOINTS' entry for `name` (tests, self-hosted), else `fallback`. */
  endpoint(name: string, fallback: string): string;
}

/** Secrets the vendor issues (its dashboard shows them), pasted into Nudge on create and on rotate. */
export interface VendorCredentials<Credentials> {
  schema: z.ZodType<Credentials>;
  /** The secret requests are signed with. */
  signingSecret(credentials: Credentials): string;
}

export interface SourceVendor<Config = unknown, Credentials = never> {
  kind: string;
  /** The name people know it by. */
  label: string;
  /** Request headers stored with each delivery (lower case). */
  headers: readonly string[];
  /** The source's settings; `{}` for vendors that need none. */
  configSchema: z.ZodType<Config>;
  /** A new signing secret, in the form the vendor's dashboard expects (vendors with `credentials` take theirs from those instead). */
  newSecret(config: Config): string;
  /** When set, the vendor issues the signing secret: the source is created and rotated with these credentials, and shows no secret. */
  credentials?: VendorCredentials<Credentials>;
  /** After a rotation, the previous secret still verifies for this long (the vendor switches gradually). Default 0. */
  previousSecretGraceMs?: number;
  /** The body's format: `json` (default) or `form` (`application/x-www-form-urlencoded`, read as an object of strings). */
  bodyFormat?: 'json' | 'form';
  verify(request: InboundRequest, secret: string, config: Config, now: number): Verification;
  /** What a verified, parsed body means. */
  decide(body: unknown, config: Config, context: VendorContext<Credentials>): SourceDecision | Promise<SourceDecision>;
}

/** Timestamps further than this from now are stale (Calendly, Standard Webhooks): 5 minutes. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
