/**
 * The only reader of `process.env`. Everything else receives a resolved, frozen `Config`.
 * Defaults make `npm start` work with no configuration: SQLite in `./data`, port 3000.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ValidationError } from './core/errors.js';
import { zodIssues } from './core/zod-issues.js';
import { parseAllowList } from './channels/http/address-policy.js';
import { parseTrustProxy, type TrustProxy } from './server/proxy-trust.js';

const int = (min: number) => z.coerce.number().int().min(min);

const envSchema = z.object({
  /** `postgres://…` for PostgreSQL; absent for SQLite in NUDGE_DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  /** PostgreSQL schema to use (default: the connection's search_path). */
  NUDGE_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
  NUDGE_DATA_DIR: z.string().default('./data'),
  NUDGE_HOST: z.string().default('127.0.0.1'),
  PORT: int(0).max(65535).default(3000),
  /** Port `nudge worker` serves /health and /metrics on (0: any free one); absent: none. */
  NUDGE_METRICS_PORT: int(0).max(65535).optional(),
  NUDGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `smtp://user:pass@host:port` or `smtps://…`; absent: emails go to the outbox (GET /v1/outbox). */
  NUDGE_SMTP_URL: z.string().optional(),
  NUDGE_SMTP_FROM: z.string().default('Nudge <nudge@localhost>'),
  /** Steps run at once by one worker. */
  NUDGE_WORKER_CONCURRENCY: int(1).default(128),
  /** Timers claimed per query. */
  NUDGE_WORKER_BATCH: int(1).default(100),
  /** Under load, how long a group commit waits for more units (ms). Default: 1 with one writer (SQLite), 0 otherwise. */
  NUDGE_COMMIT_DELAY_MS: int(0).max(100).optional(),
  /** How long a claimed timer is leased before another worker may take it over. */
  NUDGE_LEASE_MS: int(100).default(30_000),
  /** Longest sleep between checks when nothing is due (a safety net; wake-ups are pushed). */
  NUDGE_MAX_IDLE_MS: int(10).default(30_000),
  /** How often a worker deletes records older than the workspaces' retention settings (ms); 0: never. */
  NUDGE_RETENTION_INTERVAL_MS: int(0).default(600_000),
  /** On SIGTERM/SIGINT, how long running steps and HTTP requests get to finish before their work is released. */
  NUDGE_SHUTDOWN_GRACE_MS: int(0).default(10_000),
  NUDGE_RETRY_BASE_MS: int(1).default(10_000),
  NUDGE_RETRY_MAX_MS: int(1).default(3_600_000),
  /** Largest request body accepted, in bytes (batch requests too). */
  NUDGE_MAX_BODY_BYTES: int(1024).default(1_048_576),
  /** Key encrypting workspace secrets: 32 bytes, base64 or hex. Absent: `<data dir>/secret.key`, created once. */
  NUDGE_SECRET_KEY: z.string().optional(),
  /**
   * Base URLs of third-party APIs, overriding the services' own: `klaviyo=https://…,twilio=https://…`
   * (a regional endpoint, a proxy, or a stand-in in tests).
   */
  NUDGE_CHANNEL_ENDPOINTS: z
    .string()
    .regex(/^\s*([a-z_]+=\S+)(\s*,\s*[a-z_]+=\S+)*\s*$/, { message: 'expected id=url pairs separated by commas' })
    .optional(),
  /**
   * Hosts outbound HTTP requests may reach although they resolve to loopback, private, link-local
   * or reserved addresses: hostnames (`hooks.internal`, `*.corp.example`), IPs and CIDRs
   * (`10.0.0.0/8`, `fd00::/8`), comma-separated. Default: none.
   */
  NUDGE_OUTBOUND_ALLOW: z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseAllowList(splitList(text));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /**
   * The address people reach Nudge at (`https://nudge.example.com`), used in links Nudge hands out:
   * the setup link, invites, sources' webhook URLs. Default: the address a request came to (through
   * a trusted proxy, the one it forwarded), and at start-up the listen address.
   */
  NUDGE_PUBLIC_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\/[^/?#]+\/?$/i.test(url.trim()), { message: 'expected http(s)://host[:port] without a path, query or fragment' })
    .optional(),
  /**
   * Which reverse proxies' X-Forwarded-For/-Proto/-Host are believed: `0` (default: none), `1`
   * (the direct peer, whatever its address), or IPs/CIDRs with `loopback` and `private`, comma-separated.
   */
  NUDGE_TRUST_PROXY: z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseTrustProxy(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /** Where CLI client commands (flows apply, events send) reach the API. */
  NUDGE_URL: z.string().url().optional(),
  /** API key for CLI client commands. */
  NUDGE_API_KEY: z.string().optional(),
  /**
   * Live-flow cap of the workspace created on the first start (a positive integer). Default: no cap.
   * Change it later with `PATCH /v1/workspace` or `./nudge workspace set --flow-limit`.
   */
  NUDGE_FLOW_LIMIT: int(1).optional(),
  /** Set to 0 to run the API without a worker in this process. */
  NUDGE_RUN_WORKER: z.enum(['0', '1']).default('1'),
});

export interface Config {
  databaseUrl: string | null;
  dbSchema: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  /** NUDGE_METRICS_PORT: where `nudge worker` serves /health and /metrics; null: it listens nowhere. */
  metricsPort: number | null;
  logLevel: string;
  smtpUrl: string | null;
  smtpFrom: string;
  worker: {
    concurrency: number;
    batchSize: number;
    leaseMs: number;
    maxIdleMs: number;
    /** NUDGE_RETENTION_INTERVAL_MS: time between retention cleanups; 0 turns them off. */
    retentionIntervalMs: number;
  };
  retry: { baseMs: number; maxMs: number };
  /** NUDGE_SHUTDOWN_GRACE_MS: how long a stopping process lets running steps and requests finish. */
  shutdownGraceMs: number;
  maxBodyBytes: number;
  /** Group-commit delay under load, ms; null: the store's default (1 with one writer, else 0). */
  commitDelayMs: number | null;
  runWorker: boolean;
  /** Flow cap of the workspace created on the first start (NUDGE_FLOW_LIMIT); null: no cap. */
  firstWorkspaceFlowLimit: number | null;
  secretKey: string | null;
  /** NUDGE_OUTBOUND_ALLOW entries: hosts, IPs and CIDRs outbound HTTP may reach despite the SSRF rules. */
  outboundAllow: readonly string[];
  /** Channel id → base URL overrides (NUDGE_CHANNEL_ENDPOINTS). */
  channelEndpoints: Readonly<Record<string, string>>;
  /** NUDGE_PUBLIC_URL without a trailing slash; null: links use the address the request came to. */
  publicUrl: string | null;
  /** NUDGE_TRUST_PROXY: whose X-Forwarded-* headers count (src/server/proxy-trust.ts). */
  trustProxy: TrustProxy;
  /** For CLI commands that talk to a running server. */
  client: { url: string; apiKey: string | null };
}

/** Reads and validates the environment; throws a ValidationError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ValidationError('invalid_config', zodIssues(parsed.error));
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL || null,
    dbSchema: e.NUDGE_DB_SCHEMA,
    dataDir: resolve(e.NUDGE_DATA_DIR),
    host: e.NUDGE_HOST,
    port: e.PORT,
    metricsPort: e.NUDGE_METRICS_PORT ?? null,
    logLevel: e.NUDGE_LOG_LEVEL,
    smtpUrl: e.NUDGE_SMTP_URL || null,
    smtpFrom: e.NUDGE_SMTP_FROM,
    worker: Object.freeze({
      concurrency: e.NUDGE_WORKER_CONCURRENCY,
      batchSize: e.NUDGE_WORKER_BATCH,
      leaseMs: e.NUDGE_LEASE_MS,
      maxIdleMs: e.NUDGE_MAX_IDLE_MS,
      retentionIntervalMs: e.NUDGE_RETENTION_INTERVAL_MS,
    }),
    retry: Object.freeze({ baseMs: e.NUDGE_RETRY_BASE_MS, maxMs: e.NUDGE_RETRY_MAX_MS }),
    shutdownGraceMs: e.NUDGE_SHUTDOWN_GRACE_MS,
    maxBodyBytes: e.NUDGE_MAX_BODY_BYTES,
    commitDelayMs: e.NUDGE_COMMIT_DELAY_MS ?? null,
    runWorker: e.NUDGE_RUN_WORKER === '1',
    firstWorkspaceFlowLimit: e.NUDGE_FLOW_LIMIT ?? null,
    secretKey: e.NUDGE_SECRET_KEY || null,
    publicUrl: e.NUDGE_PUBLIC_URL ? e.NUDGE_PUBLIC_URL.trim().replace(/\/+$/, '') : null,
    trustProxy: Object.freeze(parseTrustProxy(e.NUDGE_TRUST_PROXY)),
    outboundAllow: Object.freeze(splitList(e.NUDGE_OUTBOUND_ALLOW ?? '')),
    channelEndpoints: Object.freeze(
      Object.fromEntries(
        (e.NUDGE_CHANNEL_ENDPOINTS ?? '')
          .split(',')
          .map((pair) => pair.trim())
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1).replace(/\/+$/, '')]),
      ),
    ),
    client: Object.freeze({
      url: e.NUDGE_URL ?? localUrl(e.NUDGE_HOST, e.PORT),
      apiKey: e.NUDGE_API_KEY || null,
    }),
  });
}

/**
 * Where this machine reaches a server listening on `host`: a wildcard address (`0.0.0.0`, `::`)
 * is reached on loopback, and an IPv6 address is written in brackets.
 */
export function localUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
