/**
 * A source vendor is one module, as a channel is: what it is called, the headers worth keeping,
 * its settings, how it makes a signing secret, how it verifies a request over the raw bytes, and
 * what a verified body means (core/sources/source-decision.ts). The engine (engine/sources/) owns
 * storage, replay detection, booking links and ingest; a vendor module owns none of it.
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

export interface SourceVendor<Config = unknown> {
  kind: string;
  /** The name people know it by. */
  label: string;
  /** Request headers stored with each delivery (lower case). */
  headers: readonly string[];
  /** The source's settings; `{}` for vendors that need none. */
  configSchema: z.ZodType<Config>;
  /** A new signing secret, in the form the vendor's dashboard expects. */
  newSecret(config: Config): string;
  verify(request: InboundRequest, secret: string, config: Config, now: number): Verification;
  /** What a verified, parsed JSON body means. */
  decide(body: unknown, config: Config): SourceDecision;
}

/** Timestamps further than this from now are stale (Calendly, Standard Webhooks): 5 minutes. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
