/**
 * Who sent a request, and to which address: the one place that decides whether a reverse proxy's
 * `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` are believed (NUDGE_TRUST_PROXY).
 *
 * Anyone can send those headers, so they count only when the direct peer (the TCP connection's
 * address) is a trusted proxy. Otherwise the peer is the client, the scheme is the connection's and
 * the host is the `Host` header. The answer feeds the sign-in limiter and the audit log (client
 * address), the session cookie's `Secure` flag (scheme), and links when NUDGE_PUBLIC_URL is not set.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIpAllowed, parseAllowList, parseIp, type AllowList } from '../channels/http/address-policy.js';

/**
 * NUDGE_TRUST_PROXY, parsed: `none` (default: no proxy is trusted), `peer` (`1`/`true`: the direct
 * peer is one trusted proxy, whatever its address) or `addresses` (IPs and CIDRs, with `loopback`
 * and `private` as names for their ranges; every proxy in a chain whose address matches is trusted).
 */
export type TrustProxy =
  | { readonly kind: 'none' }
  | { readonly kind: 'peer' }
  | { readonly kind: 'addresses'; readonly entries: readonly string[] };

const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Parses NUDGE_TRUST_PROXY; throws an Error naming the first entry that is not understood. */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === '0' || value === 'false') return { kind: 'none' };
  if (value === '1' || value === 'true') return { kind: 'peer' };
  const entries: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const named = NAMED_RANGES[entry];
    if (named) entries.push(...named);
    else if (parseIp(entry.split('/')[0]!) !== null && isCidrOrIp(entry)) entries.push(entry);
    else throw new Error(`"${entry}" is not an IP address, a CIDR, "loopback" or "private" (or 0/1 alone)`);
  }
  return entries.length === 0 ? { kind: 'none' } : { kind: 'addresses', entries: Object.freeze(entries) };
}

function isCidrOrIp(entry: string): boolean {
  try {
    return parseAllowList([entry]).ranges.length === 1;
  } catch {
    return false;
  }
}

/** What a request's origin resolved to. */
export interface RequestSource {
  /** The client's IP address (`unknown` when the request came without a socket, as in `app.request`). */
  address: string;
  /** The scheme the client used. */
  protocol: 'http' | 'https';
  /** `protocol://host[:port]` the client called. */
  origin: string;
}

/** Resolves the request's source once and keeps it in `c.var.source` (see `requestSource`). */
export function resolveRequestSource(trust: TrustProxy): MiddlewareHandler {
  const isTrusted = trustCheck(trust);
  return async (c, next) => {
    c.set('source', sourceOf(c, isTrusted));
    await next();
  };
}

/** The source `resolveRequestSource` found (computed without trusting anyone when it did not run). */
export function requestSource(c: Context): RequestSource {
  return (c.get('source') as RequestSource | undefined) ?? sourceOf(c, () => false);
}

type TrustCheck = (address: string, hop: number) => boolean;

function trustCheck(trust: TrustProxy): TrustCheck {
  if (trust.kind === 'none') return () => false;
  if (trust.kind === 'peer') return (_address, hop) => hop === 0;
  const list: AllowList = parseAllowList(trust.entries);
  return (address) => {
    const ip = parseIp(address);
    return ip !== null && isIpAllowed(list, ip);
  };
}

function sourceOf(c: Context, isTrusted: TrustCheck): RequestSource {
  const url = new URL(c.req.url);
  const peer = peerAddress(c);
  const direct: RequestSource = { address: peer, protocol: url.protocol === 'https:' ? 'https' : 'http', origin: url.origin };
  if (peer === 'unknown' || !isTrusted(peer, 0)) return direct;
  const protocol = forwardedProtocol(c.req.header('x-forwarded-proto')) ?? direct.protocol;
  const host = forwardedHost(c.req.header('x-forwarded-host')) ?? url.host;
  return { address: forwardedClient(peer, c.req.header('x-forwarded-for'), isTrusted), protocol, origin: `${protocol}://${host}` };
}

function peerAddress(c: Context): string {
  try {
    return normalizeAddress(getConnInfo(c).remote.address ?? '') ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Walks `X-Forwarded-For` from the right (the entry the nearest proxy added) while the address at
 * hand is a trusted proxy; the first address that is not, is the client. Entries left of it were
 * written by the client and are never read; an entry that is not an IP stops the walk.
 */
function forwardedClient(peer: string, header: string | undefined, isTrusted: TrustCheck): string {
  const hops = (header ?? '').split(',').map((entry) => entry.trim()).filter(Boolean).reverse();
  let client = peer;
  for (const [index, entry] of hops.entries()) {
    if (!isTrusted(client, index)) break;
    const next = normalizeAddress(entry);
    if (next === null) break;
    client = next;
  }
  return client;
}

/** An IP as written by a proxy or a socket (`::ffff:1.2.3.4`, `[::1]:443`, `1.2.3.4:80`), or null. */
function normalizeAddress(text: string): string | null {
  let t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(t);
  if (bracketed) t = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(t)) t = t.slice(0, t.indexOf(':'));
  if (/^::ffff:[\d.]+$/i.test(t)) t = t.slice(7);
  return parseIp(t) === null ? null : t.toLowerCase();
}

function forwardedProtocol(header: string | undefined): 'http' | 'https' | null {
  const first = header?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || first === 'http' ? first : null;
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The first `X-Forwarded-Host` value when it is a plain host[:port]; anything else is ignored. */
function forwardedHost(header: string | undefined): string | null {
  const first = header?.split(',')[0]?.trim();
  return first && first.length <= 260 && HOST.test(first) ? first.toLowerCase() : null;
}
