/** JSON text that may not be JSON (a stored body, a received one): its value, or undefined. Never throws. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The same, when only a JSON object will do (a message body): its fields, or undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const v = parseJson(text);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
