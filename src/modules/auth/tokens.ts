import crypto from 'node:crypto';

/** A new unguessable token (256 bits, URL-safe). */
export function newToken(prefix = ''): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

/** The stored form of a token: we keep only its SHA-256, so a database leak reveals no live token. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A six-digit one-time code. */
export function newCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** A token that proves its parts were issued by us: "part.part.signature", HMAC-SHA256 with the app secret. */
export function signParts(secret: string, purpose: string, parts: Array<string | number>): string {
  const body = parts.join('.');
  const mac = crypto.createHmac('sha256', secret).update(`${purpose}:${body}`).digest('base64url');
  return `${body}.${mac}`;
}

/** The parts of a token made by signParts, or null if it was not made by us for this purpose. */
export function verifyParts(secret: string, purpose: string, token: string, count: number): string[] | null {
  const pieces = token.split('.');
  if (pieces.length !== count + 1) return null;
  const mac = pieces.pop()!;
  const expected = crypto
    .createHmac('sha256', secret)
    .update(`${purpose}:${pieces.join('.')}`)
    .digest('base64url');
  const a = Buffer.from(mac);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b) ? pieces : null;
}
