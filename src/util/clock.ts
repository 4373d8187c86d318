/** The engine's clock. Injected so tests can move time (180-day expiry, link durations). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const addMs = (iso: string | Date, ms: number): string => new Date(new Date(iso).getTime() + ms).toISOString();

export const DAY_MS = 24 * 60 * 60 * 1000;
