/** The one retry policy for background work: how many attempts, and how long to wait before each next one. */
export const RETRY = {
  /** Attempts before a job is dead-lettered, unless its kind says otherwise. */
  maxAttempts: 5,
  /** Wait after the first failure; it doubles with each further one. */
  baseMs: 30_000,
  /** The longest wait between two attempts. */
  capMs: 60 * 60_000,
} as const;

/** Milliseconds to wait after the `attempt`-th failure (1-based): exponential from `baseMs`, never above `capMs`. */
export function backoffMs(attempt: number, baseMs: number = RETRY.baseMs, capMs: number = RETRY.capMs): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}
