/**
 * What a store location says, without opening it: which adapter it names and how to print it.
 * Its own module so that open-store.ts (which loads the adapters) and the adapters (which print
 * their location) both depend on it rather than on each other.
 */

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A location safe to print: the password of a URL is hidden. */
export function printableLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return maskedHostList(location) ?? 'postgres://…';
  }
}

/**
 * A URL the WHATWG parser refuses but libpq reads: a host list with ports
 * (postgres://user:pw@h1:5432,h2:5433/db). The password is whatever follows the first ':' of the
 * user part, up to the last '@' before the hosts.
 */
function maskedHostList(location: string): string | undefined {
  const m = /^(postgres(?:ql)?:\/\/)([^/?#]*)(.*)$/is.exec(location);
  if (!m) return undefined;
  const [, scheme = '', authority = '', rest = ''] = m;
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? authority.slice(0, at) : '';
  const colon = user.indexOf(':');
  const shownUser = colon >= 0 ? `${user.slice(0, colon)}:***` : user;
  return `${scheme}${at >= 0 ? `${shownUser}@` : ''}${authority.slice(at + 1)}${rest}`;
}
