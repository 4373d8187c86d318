import { isIP } from 'node:net';

/** "::ffff:127.0.0.1" → "127.0.0.1", so an IPv4 client on a dual-stack socket matches its IPv4 form. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  if (mapped) return mapped[1]!;
  return trimmed.toLowerCase();
}

export function sameIp(a: string, b: string): boolean {
  return normalizeIp(a) === normalizeIp(b);
}

export function isValidIp(ip: string): boolean {
  return isIP(normalizeIp(ip)) !== 0;
}

/** Whether ip lies in cidr ("10.0.0.0/8", "::1/128", or a bare address). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText] = cidr.split('/');
  const a = toBytes(normalizeIp(ip));
  const b = toBytes(normalizeIp(base));
  if (!a || !b || a.length !== b.length) return false;
  const bits = bitsText === undefined ? a.length * 8 : Number(bitsText);
  for (let i = 0; i < a.length; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

export function isValidCidr(cidr: string): boolean {
  const [base = '', bits] = cidr.split('/');
  const v = isIP(normalizeIp(base));
  if (v === 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
}

function toBytes(ip: string): number[] | undefined {
  const v = isIP(ip);
  if (v === 4) return ip.split('.').map(Number);
  if (v !== 6) return undefined;
  const [head = '', tail] = ip.split('::');
  const parse = (s: string) => (s ? s.split(':') : []);
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
}
