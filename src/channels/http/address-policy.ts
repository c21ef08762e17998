/**
 * Which IP addresses an outbound request may reach. Loopback, private, link-local (cloud
 * metadata included), carrier-grade NAT, "this network", multicast and reserved ranges are
 * refused, in IPv4, IPv6 and the IPv6 forms that embed an IPv4 address (`::ffff:127.0.0.1`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`). An allow-list of hostnames and CIDRs
 * (NUDGE_OUTBOUND_ALLOW) lets self-hosted receivers through.
 *
 * Pure: parsing and matching only. `outbound-guard.ts` applies it after DNS resolution and at
 * connect time.
 */

export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cloud metadata'
  | 'carrier-grade NAT'
  | 'this-network'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

/** Why an address is refused: its class and the range it fell in, e.g. `loopback`, `127.0.0.0/8`. */
export interface BlockedAddress {
  class: AddressClass;
  range: string;
}

export interface ParsedIp {
  family: 4 | 6;
  /** The address as a 32- or 128-bit integer. */
  value: bigint;
}

interface Range {
  family: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

interface ClassifiedRange extends Range {
  class: AddressClass;
}

// IANA special-purpose registries (RFC 6890 and updates). Order matters: the first match names
// the class, so the metadata address comes before the link-local range that contains it.
const BLOCKED_V4: Array<[string, AddressClass]> = [
  ['169.254.169.254/32', 'cloud metadata'],
  ['0.0.0.0/8', 'this-network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];

const BLOCKED_V6: Array<[string, AddressClass]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['::/96', 'reserved'], // IPv4-compatible (deprecated)
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'], // discard-only
  ['2001:db8::/32', 'reserved'], // documentation
  ['fc00::/7', 'private'], // unique local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // site-local (deprecated)
  ['ff00::/8', 'multicast'],
];

const V4_MAPPED = mustParseCidr('::ffff:0:0/96');
const NAT64 = mustParseCidr('64:ff9b::/96');
const SIX_TO_FOUR = mustParseCidr('2002::/16');

const BLOCKED: ClassifiedRange[] = [
  ...BLOCKED_V4.map(([cidr, cls]) => ({ ...mustParseCidr(cidr), class: cls })),
  ...BLOCKED_V6.map(([cidr, cls]) => ({ ...mustParseCidr(cidr), class: cls })),
];

/** Parses a dotted-quad IPv4 or an IPv6 address (brackets and a `%zone` are ignored); null otherwise. */
export function parseIp(text: string): ParsedIp | null {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.includes(':')) {
    const v6 = parseIpv6(t.replace(/%.*$/, ''));
    return v6 === null ? null : { family: 6, value: v6 };
  }
  const v4 = parseIpv4(t);
  return v4 === null ? null : { family: 4, value: v4 };
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0] ?? '');
  const right = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

function parseCidr(text: string): Range | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return null;
  return { family: ip.family, base: ip.value & mask(ip.family, prefix), prefix, text: `${address}/${prefix}` };
}

function mustParseCidr(text: string): Range {
  const range = parseCidr(text);
  if (!range) throw new Error(`bad built-in CIDR ${text}`);
  return range;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(family === 4 ? 32 : 128);
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

function inRange(ip: ParsedIp, range: Range): boolean {
  return ip.family === range.family && (ip.value & mask(range.family, range.prefix)) === range.base;
}

/** The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64, 6to4), or null. */
function embeddedIpv4(ip: ParsedIp): ParsedIp | null {
  if (ip.family !== 6) return null;
  if (inRange(ip, V4_MAPPED) || inRange(ip, NAT64)) return { family: 4, value: ip.value & 0xffffffffn };
  if (inRange(ip, SIX_TO_FOUR)) return { family: 4, value: (ip.value >> 80n) & 0xffffffffn };
  return null;
}

/** Why `ip` may not be reached, or null for a public address. */
export function classifyIp(ip: ParsedIp): BlockedAddress | null {
  const inner = embeddedIpv4(ip);
  if (inner) {
    const blocked = classifyIp(inner);
    return blocked ? { class: blocked.class, range: `${blocked.range}, as IPv6` } : null;
  }
  const match = BLOCKED.find((range) => inRange(ip, range));
  return match ? { class: match.class, range: match.text } : null;
}

/** The allow-list: hostnames (`hooks.internal`, `*.corp.example`) and IPs or CIDRs (`10.0.0.0/8`). */
export interface AllowList {
  hosts: ReadonlySet<string>;
  /** `*.corp.example` as `.corp.example`. */
  suffixes: readonly string[];
  ranges: readonly Range[];
}

const HOSTNAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,62})?)(\.[a-z0-9_]([a-z0-9_-]{0,62})?)*\.?$/i;

/** Parses allow-list entries; throws an Error naming the first entry that is neither a hostname nor an IP/CIDR. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  const ranges: Range[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const range = parseCidr(entry);
    if (range) ranges.push(range);
    else if (HOSTNAME.test(entry)) {
      const host = normalizeHost(entry);
      if (host.startsWith('*.')) suffixes.push(host.slice(1));
      else hosts.add(host);
    } else throw new Error(`"${entry}" is neither a hostname nor an IP address or CIDR`);
  }
  return { hosts, suffixes, ranges };
}

export const EMPTY_ALLOW_LIST: AllowList = parseAllowList([]);

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** True when the allow-list names this hostname (exactly, or through a `*.` wildcard). */
export function isHostAllowed(allow: AllowList, hostname: string): boolean {
  const host = normalizeHost(hostname);
  return allow.hosts.has(host) || allow.suffixes.some((suffix) => host.endsWith(suffix));
}

/** True when an allow-list range contains `ip` (an IPv4-mapped IPv6 address also matches its IPv4 range). */
export function isIpAllowed(allow: AllowList, ip: ParsedIp): boolean {
  const inner = embeddedIpv4(ip);
  return allow.ranges.some((range) => inRange(ip, range) || (inner !== null && inRange(inner, range)));
}

/**
 * The verdict for connecting to `address` (an IP) on behalf of `hostname` (as written in the URL):
 * null when allowed, else why not.
 */
export function checkAddress(allow: AllowList, hostname: string, address: string): BlockedAddress | null {
  if (isHostAllowed(allow, hostname)) return null;
  const ip = parseIp(address);
  if (!ip) return { class: 'reserved', range: `unparseable address ${address}` };
  if (isIpAllowed(allow, ip)) return null;
  return classifyIp(ip);
}
