import { BlockList, isIP } from 'node:net';
import { invalid } from '../domain/errors.js';

/**
 * IP addresses as esipay compares them. One address has many spellings (`::1` and
 * `0:0:0:0:0:0:0:1`; `10.1.2.3` and, from a dual-stack socket, `::ffff:10.1.2.3` or
 * `::ffff:a01:203`), so addresses are parsed and compared in one canonical form: IPv4 in dotted
 * decimal, IPv4-mapped IPv6 as its IPv4 address, other IPv6 compressed and lower-case as RFC 5952
 * writes it. A zone id (`fe80::1%eth0`) names an interface of one machine, not an address another
 * machine calls from: it is refused.
 */
export interface ParsedIp {
  address: string;
  family: 'ipv4' | 'ipv6';
}

/** The canonical form of an address, or undefined when it is not one (garbage, zone id, brackets). */
export function parseIp(text: string): ParsedIp | undefined {
  const trimmed = text.trim();
  const version = trimmed.includes('%') ? 0 : isIP(trimmed);
  if (version === 4) return { address: trimmed, family: 'ipv4' };
  if (version !== 6) return undefined;
  const compressed = compressIpv6(trimmed);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return { address: `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`, family: 'ipv4' };
  }
  return { address: compressed, family: 'ipv6' };
}

/** WHATWG URL serialises an IPv6 host as RFC 5952 does (lower case, the longest zero run as ::). */
function compressIpv6(valid: string): string {
  return new URL(`http://[${valid}]/`).hostname.slice(1, -1);
}

/** The canonical form of an address a person gave; anything else is an invalid_ip error. */
export function canonicalIp(text: string): string {
  const parsed = parseIp(text);
  if (parsed) return parsed.address;
  const zone = /%(.*)$/.exec(text.trim());
  if (zone && isIP(text.trim()) === 6)
    throw invalid(
      'invalid_ip',
      `"${text}" has a zone id (%${zone[1]}), which names an interface of this machine, not an address`,
      'give the address without its %zone',
    );
  throw invalid('invalid_ip', `"${text}" is not an IPv4 or IPv6 address`, 'give an address such as 203.0.113.7 or 2001:db8::7');
}

/**
 * The canonical form of a valid address; anything else trimmed and lower-cased, so an address
 * read from a header that is not one still compares (equal to nothing valid) instead of throwing.
 */
export function normalizeIp(ip: string): string {
  return parseIp(ip)?.address ?? ip.trim().toLowerCase();
}

export function isValidIp(ip: string): boolean {
  return parseIp(ip) !== undefined;
}

/** Whether two spellings are the same address; an invalid one equals nothing. */
export function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  return x !== undefined && x.address === parseIp(b)?.address;
}

/** "10.0.0.0/8", "2001:db8::/32" or a bare address, parsed; undefined when it is not one. */
function parseCidr(cidr: string): { base: ParsedIp; prefix: number } | undefined {
  const [baseText = '', bitsText, ...rest] = cidr.trim().split('/');
  const base = parseIp(baseText);
  if (!base || rest.length > 0 || (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText))) return undefined;
  const bits = bitsText === undefined ? undefined : Number(bitsText);
  if (base.family === 'ipv4' && isIP(baseText.trim()) === 6) {
    // A mapped base: with 96 bits or more it is an IPv4 range (::ffff:10.0.0.0/104 is 10.0.0.0/8).
    if (bits === undefined || bits > 128) return bits === undefined ? { base, prefix: 32 } : undefined;
    if (bits >= 96) return { base, prefix: bits - 96 };
    return { base: { address: compressIpv6(baseText.trim()), family: 'ipv6' }, prefix: bits };
  }
  const max = base.family === 'ipv4' ? 32 : 128;
  if (bits === undefined) return { base, prefix: max };
  return bits <= max ? { base, prefix: bits } : undefined;
}

export function isValidCidr(cidr: string): boolean {
  return parseCidr(cidr) !== undefined;
}

/**
 * One BlockList per range text, kept: the trusted-proxy check runs for every request and its
 * ranges are a handful from the command line. The cap only bounds what odd callers could add.
 */
const ranges = new Map<string, BlockList | null>();

function rangeOf(cidr: string): BlockList | null {
  const known = ranges.get(cidr);
  if (known !== undefined) return known;
  const parsed = parseCidr(cidr);
  let list: BlockList | null = null;
  if (parsed) {
    list = new BlockList();
    list.addSubnet(parsed.base.address, parsed.prefix, parsed.base.family);
  }
  if (ranges.size >= 256) ranges.clear();
  ranges.set(cidr, list);
  return list;
}

/** Whether ip lies in cidr (node's BlockList, which also matches IPv4-mapped IPv6 to IPv4 ranges). */
export function inCidr(ip: string, cidr: string): boolean {
  const address = parseIp(ip);
  const list = rangeOf(cidr);
  return address !== undefined && list !== null && list.check(address.address, address.family);
}
