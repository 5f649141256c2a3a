// PostgreSQL error codes (class 22, data exception) that mean the input itself could not be stored.
const BAD_INPUT_CODES = new Set([
  '22001', // string data right truncation
  '22003', // numeric value out of range
  '22007', // invalid datetime format
  '22008', // datetime field overflow
  '22021', // character not in repertoire (a NUL byte in text)
  '22P02', // invalid text representation
  '22P05', // untranslatable character
]);

/** True when an error (or the error it wraps, as Drizzle does) is PostgreSQL refusing bad input rather than a fault of ours. */
export function badInputFromDatabase(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && BAD_INPUT_CODES.has(e.code)) return true;
  }
  return false;
}
