import { redactPans } from '../card/card.js';
import { printable } from '../util/printable.js';
import { LIMITS } from './http.js';

/**
 * One line per request on stderr: time, method, path, status, duration, caller.
 * The path never shows a card number: routes that carry one say what to log instead
 * (HttpAnswer.logPath), and every path also goes through redactPath as a safety net.
 * The query string is left out (it is never needed to read the log, and may hold anything).
 */
export function accessLogLine(at: Date, method: string, path: string, status: number, ms: number, callerIp: string): string {
  return `${at.toISOString()} ${printable(method, { max: 20 })} ${path} ${status} ${ms.toFixed(1)}ms ${callerIp || '-'}`;
}

/** What the structured log says of one request (`esipay serve --log-format json`): never a card number nor a secret. */
export interface AccessEntry {
  at: Date;
  requestId: string;
  method: string;
  route: string;
  /** Redacted as for the text line. */
  path: string;
  status: number;
  ms: number;
  callerIp: string;
  /** The merchant the request was for, when the path names one. */
  merchant?: string;
}

export function accessLogJson(e: AccessEntry): string {
  return JSON.stringify({
    time: e.at.toISOString(),
    level: e.status >= 500 ? 'error' : 'info',
    msg: 'request',
    requestId: e.requestId,
    method: printable(e.method, { max: 20 }),
    route: e.route,
    path: e.path,
    status: e.status,
    ms: Math.round(e.ms * 10) / 10,
    caller: e.callerIp || null,
    ...(e.merchant ? { merchant: e.merchant } : {}),
  });
}

/** A raw path made safe to log: card-like segments masked, PANs inside segments masked, no query. */
export function redactPath(rawPath: string): string {
  const [path = '', query] = rawPath.split('?');
  const segments = path.split('/').map((seg) => (looksLikeCardNumber(decoded(seg)) ? maskSegment(seg) : seg));
  // Masked first, clipped after: clipping must not cut a card number into an unrecognisable piece.
  const safe = printable(redactPans(segments.join('/')), { max: Infinity });
  return (safe.length > LIMITS.maxUrlBytes ? safe.slice(0, LIMITS.maxUrlBytes) + '…' : safe) + (query !== undefined ? '?…' : '');
}

/** Masks one segment that holds a card number, keeping only what a receipt shows (first 6, last 4). */
export function maskSegment(seg: string): string {
  const digits = decoded(seg).replace(/[^0-9]/g, '');
  return digits.length >= 12 ? `${digits.slice(0, 6)}******${digits.slice(-4)}` : '****';
}

function looksLikeCardNumber(s: string): boolean {
  return /^[\d -]{12,30}$/.test(s) && s.replace(/[^0-9]/g, '').length >= 12;
}

function decoded(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
