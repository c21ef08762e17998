/** Which addresses outbound requests may reach: every blocked class, the IPv6 forms of IPv4, and the allow-list. */
import { describe, expect, it } from 'vitest';
import { checkAddress, classifyIp, EMPTY_ALLOW_LIST, parseAllowList, parseIp } from '../../src/channels/http/address-policy.js';
import { loadConfig } from '../../src/config.js';
import { ValidationError } from '../../src/core/errors.js';

const classOf = (address: string) => {
  const ip = parseIp(address);
  if (!ip) throw new Error(`not an IP: ${address}`);
  return classifyIp(ip)?.class ?? 'public';
};

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['0.0.0.0', 'this-network'],
    ['0.1.2.3', 'this-network'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (address, cls) => {
    expect(classOf(address)).toBe(cls);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['[::ffff:192.168.0.1]', 'private'],
    ['64:ff9b::7f00:1', 'loopback'], // NAT64 of 127.0.0.1
    ['2002:a00:1::1', 'private'], // 6to4 of 10.0.0.1
  ])('an IPv6 form of an IPv4 address, %s, is %s', (address, cls) => {
    expect(classOf(address)).toBe(cls);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(classOf(address)).toBe('public');
    },
  );

  it('names the range in the verdict', () => {
    expect(checkAddress(EMPTY_ALLOW_LIST, 'metadata.internal', '169.254.169.254')).toEqual({ class: 'cloud metadata', range: '169.254.169.254/32' });
    expect(checkAddress(EMPTY_ALLOW_LIST, 'x', '::ffff:127.0.0.1')).toEqual({ class: 'loopback', range: '127.0.0.0/8, as IPv6' });
  });

  it('rejects text that is not an address', () => {
    for (const text of ['', 'localhost', '1.2.3', '1.2.3.256', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1']) expect(parseIp(text)).toBeNull();
  });
});

describe('allow-list', () => {
  const allow = parseAllowList(['hooks.internal', '*.corp.example', '10.0.0.0/8', '192.168.1.5', 'fd00::/8']);

  it('lets listed hostnames through whatever they resolve to', () => {
    expect(checkAddress(allow, 'hooks.internal', '127.0.0.1')).toBeNull();
    expect(checkAddress(allow, 'HOOKS.internal.', '127.0.0.1')).toBeNull();
    expect(checkAddress(allow, 'a.b.corp.example', '192.168.9.9')).toBeNull();
    expect(checkAddress(allow, 'corp.example', '192.168.9.9')?.class).toBe('private'); // the wildcard is for subdomains
    expect(checkAddress(allow, 'other.internal', '127.0.0.1')?.class).toBe('loopback');
  });

  it('lets listed IPs and CIDRs through, in their IPv4-mapped form too', () => {
    expect(checkAddress(allow, 'x', '10.20.30.40')).toBeNull();
    expect(checkAddress(allow, 'x', '::ffff:10.20.30.40')).toBeNull();
    expect(checkAddress(allow, 'x', '192.168.1.5')).toBeNull();
    expect(checkAddress(allow, 'x', '192.168.1.6')?.class).toBe('private');
    expect(checkAddress(allow, 'x', 'fd12::1')).toBeNull();
    expect(checkAddress(allow, 'x', 'fc00::1')?.class).toBe('private');
  });

  it('refuses entries that are neither hostnames nor addresses', () => {
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow('"10.0.0.0/33" is neither a hostname nor an IP address or CIDR');
    expect(() => parseAllowList(['http://hooks.internal'])).toThrow(/neither a hostname/);
  });

  it('is read from NUDGE_OUTBOUND_ALLOW, and a bad entry stops start-up with the variable named', () => {
    expect(loadConfig({ NUDGE_OUTBOUND_ALLOW: ' hooks.internal , 10.0.0.0/8,' }).outboundAllow).toEqual(['hooks.internal', '10.0.0.0/8']);
    expect(loadConfig({}).outboundAllow).toEqual([]);
    try {
      loadConfig({ NUDGE_OUTBOUND_ALLOW: '10.0.0.0/8, not a host' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([
        { path: 'NUDGE_OUTBOUND_ALLOW', message: '"not a host" is neither a hostname nor an IP address or CIDR' },
      ]);
    }
  });
});
