/**
 * Outbound safety (SSRF): a flow author chooses the URLs Nudge calls, so without a guard a
 * webhook step could read a cloud metadata endpoint or poke a service on the operator's private
 * network. The guard applies address-policy.ts twice:
 *
 * - before a request, to a URL whose host is an IP literal (Node connects to those without a
 *   DNS lookup), on every redirect hop;
 * - at connect time, inside the DNS lookup of an undici Agent: every address a hostname resolves
 *   to is checked, and the socket connects only to addresses that passed (a host with none left
 *   is refused). Checking the addresses the socket is about to use, rather than those of an
 *   earlier, separate lookup, is what defeats DNS rebinding.
 *
 * The engine builds one guard from NUDGE_OUTBOUND_ALLOW and hands it to every channel send (see
 * `withOutboundGuard`); a send without one gets the default guard, which allows nothing private.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, type Dispatcher } from 'undici';
import type { ChannelContext, ChannelResult } from '../channel.js';
import { checkAddress, EMPTY_ALLOW_LIST, parseAllowList, parseIp, type AllowList, type BlockedAddress } from './address-policy.js';

export interface OutboundGuard {
  allow: AllowList;
  /** Connects only to addresses the policy allows; send requests through it (`dispatcher.request`). */
  dispatcher: Dispatcher;
  /** Throws OutboundBlockedError when `url`'s host is an IP literal the policy refuses. */
  checkUrl(url: URL): void;
  /**
   * Closes its connections, aborting requests still in flight: the engine closes it once its worker
   * has stopped, when the steps still sending have been given back (waiting would hold a shutdown
   * for as long as a step's timeout).
   */
  close(): Promise<void>;
}

/** The context sendHttpRequest receives: a channel's context, plus the engine's guard. */
export type OutboundContext = ChannelContext & { outbound?: OutboundGuard | undefined };

const CLASS_PHRASES: Record<BlockedAddress['class'], string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  'cloud metadata': 'a cloud metadata address',
  'carrier-grade NAT': 'a carrier-grade NAT address',
  'this-network': 'a "this network" address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/** A request refused by the outbound policy; permanent: retrying reaches the same address. */
export class OutboundBlockedError extends Error {
  readonly code = 'OUTBOUND_BLOCKED';

  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly blocked: BlockedAddress,
  ) {
    const what = `${CLASS_PHRASES[blocked.class]} (${blocked.range})`;
    const subject = hostname === address ? `${address} is ${what}` : `${hostname} resolves to ${address}, ${what}`;
    const entry = hostname === address ? `"${address}"` : `"${hostname}" (or "${address}")`;
    super(
      `blocked: ${subject}. Requests to loopback, private, link-local, cloud metadata and reserved addresses are refused; ` +
        `to allow this receiver, add ${entry} to NUDGE_OUTBOUND_ALLOW`,
    );
    this.name = 'OutboundBlockedError';
  }
}

/** The URL's host without IPv6 brackets (`[::1]` → `::1`). */
export function urlHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` replacement for net.connect that hands it only allowed addresses, or an OutboundBlockedError. */
function guardedLookup(allow: AllowList) {
  return (hostname: string, options: LookupOptions | number | undefined, callback: LookupCallback): void => {
    const opts: LookupOptions = typeof options === 'number' ? { family: options } : { ...(options ?? {}) };
    dnsLookup(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const verdicts = addresses.map((entry) => ({ entry, blocked: checkAddress(allow, hostname, entry.address) }));
      const allowed = verdicts.filter((v) => v.blocked === null).map((v) => v.entry);
      const first = allowed[0];
      if (!first) {
        const refused = verdicts[0];
        if (refused?.blocked) return callback(new OutboundBlockedError(hostname, refused.entry.address, refused.blocked), []);
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      }
      if (opts.all) return callback(null, allowed);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * A guard with its own connection pool. `allow`: NUDGE_OUTBOUND_ALLOW entries (hostnames, `*.`
 * wildcards, IPs, CIDRs); default none.
 */
export function createOutboundGuard(options: { allow?: readonly string[] } = {}): OutboundGuard {
  const allow = options.allow && options.allow.length > 0 ? parseAllowList(options.allow) : EMPTY_ALLOW_LIST;
  const agent = new Agent({ connect: { lookup: guardedLookup(allow) } });
  return {
    allow,
    dispatcher: agent,
    checkUrl(url) {
      const hostname = urlHostname(url);
      if (!parseIp(hostname)) return; // a name: checked after resolution, at connect time
      const blocked = checkAddress(allow, hostname, hostname);
      if (blocked) throw new OutboundBlockedError(hostname, hostname, blocked);
    },
    close: () => agent.destroy(),
  };
}

let defaultGuard: OutboundGuard | null = null;

/** The guard for sends whose context carries none: nothing private is allowed. */
export function defaultOutboundGuard(): OutboundGuard {
  defaultGuard ??= createOutboundGuard();
  return defaultGuard;
}

/**
 * The same channel, with `guard` in the context of every send. The engine wraps each channel
 * module with it, so a module passing its context on to sendHttpRequest is covered without
 * knowing about the guard.
 */
export function withOutboundGuard<T extends { send(context: ChannelContext, input: any): Promise<ChannelResult> }>(
  channel: T,
  guard: OutboundGuard,
): T {
  return { ...channel, send: (context: ChannelContext, input: unknown) => channel.send({ ...context, outbound: guard } as OutboundContext, input) };
}

/** The OutboundBlockedError somewhere in `error`'s cause chain (undici may wrap connect errors), or null. */
export function findOutboundBlocked(error: unknown): OutboundBlockedError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof OutboundBlockedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
