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
    return 'postgres://…';
  }
}
