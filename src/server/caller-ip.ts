import { isIP } from 'node:net';
import { inCidr, normalizeIp } from '../util/ip.js';

/**
 * The address a request comes from, as the merchant IP check sees it.
 *
 * By default the socket's peer: nothing the client writes can change it. With trusted proxies
 * (--trust-proxy CIDR), a request whose peer lies in one of them is read from X-Forwarded-For,
 * right to left, skipping the trusted hops: the first address that is not a trusted proxy is the
 * client. Entries further left were written by the client itself and are never believed. A
 * malformed entry stops the walk at the last trusted hop, which then counts as the caller (it
 * matches no merchant, so a forged header can only ever cause a 403).
 */
export function callerIpOf(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: readonly string[]): string {
  const socketIp = normalizeIp(peer ?? '');
  if (trusted.length === 0 || !isTrusted(socketIp, trusted) || forwardedFor === undefined) return socketIp;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => normalizeIp(stripPort(h.trim())))
    .filter((h) => h !== '');
  let caller = socketIp;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return caller;
    caller = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return caller;
}

function isTrusted(ip: string, trusted: readonly string[]): boolean {
  return trusted.some((cidr) => inCidr(ip, cidr));
}

/** "1.2.3.4:5678" and "[::1]:5678" → the address alone (some proxies append the port). */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}
