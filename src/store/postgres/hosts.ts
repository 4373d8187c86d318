import { EsipayError } from '../../domain/errors.js';

/**
 * The hosts of a PostgreSQL URL as libpq writes them: `postgres://user:pw@h1:5432,h2:5433/db
 * ?target_session_attrs=read-write`. node-postgres reads one host only, so esipay parses the list
 * itself and hands node-postgres a one-host URL for the host it picked (failover-pool.ts).
 */

export interface PgHost {
  host: string;
  port: number;
}

/**
 * What a host must be to be used. esipay writes, so only the libpq values that find a writable
 * server are accepted: read-write (SHOW transaction_read_only is off), primary (not in recovery),
 * and any (the first that answers, libpq's default, for a single server).
 */
export type SessionTarget = 'read-write' | 'primary' | 'any';

export interface HostList {
  hosts: PgHost[];
  target: SessionTarget;
  /** The URL naming only this host, everything else (user, database, sslmode…) as given. */
  urlFor(host: PgHost): string;
}

const DEFAULT_PORT = 5432;
const TARGETS: readonly string[] = ['read-write', 'primary', 'any'];

/** "h:5432", "[::1]:5432": how a host is named in messages (never with the password). */
export function hostName(h: PgHost): string {
  return `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
}

/**
 * The host list of a postgres:// URL, or undefined when the URL names one host and asks nothing
 * of it (or names none: a Unix socket in ?host=): node-postgres then takes the URL as it is, as
 * before there were several hosts. Several hosts without target_session_attrs are looked through
 * for the writable one, not libpq's "any": a payment store on a standby would be down.
 */
export function parseHostList(url: string): HostList | undefined {
  const m = /^(postgres(?:ql)?:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  if (!m) return undefined;
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostPart = authority.slice(at + 1);
  const params = new URLSearchParams(query.slice(1));
  const asked = params.get('target_session_attrs');
  if (asked !== null && !TARGETS.includes(asked)) {
    throw new EsipayError(
      'invalid',
      'bad_db_url',
      `target_session_attrs=${asked} is not supported: esipay writes, so it needs the writable server`,
      'use target_session_attrs=read-write (or primary) in --db or ESIPAY_DB',
    );
  }
  const parts = hostPart.split(',');
  if (parts.length === 1 && (asked === null || asked === 'any')) return undefined;
  const hosts = parts.map((p) => parseHost(p, scheme));
  params.delete('target_session_attrs');
  const rest = params.toString();
  return {
    hosts,
    target: (asked ?? 'read-write') as SessionTarget,
    urlFor: (h) => `${scheme}${userinfo}${hostName(h)}${path}${rest ? `?${rest}` : ''}${fragment}`,
  };
}

function parseHost(part: string, scheme: string): PgHost {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(part);
  const port = m?.[3] === undefined ? DEFAULT_PORT : Number(m[3]);
  const host = m?.[1] ?? m?.[2];
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new EsipayError(
      'invalid',
      'bad_db_url',
      // The part only: the whole URL may carry a password.
      `"${part}" is not a host[:port] in the PostgreSQL URL's host list`,
      `write the hosts as libpq does: ${scheme}user@h1:5432,h2:5432/db?target_session_attrs=read-write`,
    );
  }
  return { host, port };
}
