import { inTransaction, type Db } from '../../platform/db/client.js';
import { ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { paths, withQuery } from '../../platform/http/paths.js';
import { recordAudit } from '../audit/service.js';
import { personByEmailForAuth, personForAuth } from '../directory/service.js';
import { emailField } from '../directory/validation.js';
import { ACCOUNT_ROLES, systemActor, type Actor, type AccountRole } from '../../platform/actor.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import { hashToken, newCode, newToken, sameHash } from './tokens.js';
import { z } from 'zod';
import { requiredText } from '../../platform/validation.js';

/** How long an emailed sign-in link or code lives. */
export const SIGN_IN_TTL_MS = 15 * 60 * 1000;
/** How long a session lives without use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_LINKS_PER_ADDRESS = 5;
const MAX_CODE_ATTEMPTS = 5;
/** Wrong codes for one address, across its links, that lock sign-in by code. */
export const LOCK_AFTER_FAILURES = 10;
/** The span over which wrong codes are counted, and how long the lock then lasts: at most 10 guesses a day. */
export const LOCK_MS = 24 * 60 * 60 * 1000;

/** What sign-in emails need to know. */
export interface SignInContext {
  db: Db;
  mailer: Mailer;
  baseUrl: string;
  networkName: string;
}

/** The address typed into the sign-in form, trimmed and lower-cased; a malformed one is a ValidationError on `email`. */
export function signInAddress(rawEmail: unknown): string {
  return parseOrThrow(z.object({ email: emailField }), { email: rawEmail }).email;
}

/**
 * Emails a sign-in link and code if the address belongs to someone.
 * Run it after answering (the route does): its time differs for known and unknown addresses, the answer must not.
 */
export async function requestSignIn(ctx: SignInContext, rawEmail: unknown, next?: string): Promise<{ sent: boolean }> {
  const email = signInAddress(rawEmail);
  const recent = await repo.countRecentSignIns(ctx.db, email, new Date(Date.now() - SIGN_IN_TTL_MS));
  if (recent >= MAX_LINKS_PER_ADDRESS) return { sent: false };
  const person = await personByEmailForAuth(ctx.db, email);
  if (!person) return { sent: false };
  const token = newToken();
  const code = newCode();
  await inTransaction(ctx.db, async (tx) => {
    await repo.insertSignInToken(tx, {
      email,
      personId: person.id,
      tokenHash: hashToken(token),
      codeHash: hashToken(`${email}:${code}`),
      expiresAt: new Date(Date.now() + SIGN_IN_TTL_MS),
    });
    const url = ctx.baseUrl + withQuery(paths.signInConfirm, { token, next: next && next !== paths.home ? next : undefined });
    const { text, html } = renderSimpleEmail({
      heading: `Sign in to ${ctx.networkName}`,
      paragraphs: [`Hello ${person.name},`, 'Use this link to sign in. It works once, within 15 minutes.'],
      action: { label: 'Sign in', url },
      after: [`Or type this code on the sign-in page: ${code}`, 'If you did not ask to sign in, you can ignore this email.'],
      footer: ctx.networkName,
    });
    await ctx.mailer.queue(tx, {
      to: person.email,
      subject: `Sign in to ${ctx.networkName}`,
      text,
      html,
      secrets: [token, code],
    });
  });
  ctx.mailer.kick();
  return { sent: true };
}

/** Whether a sign-in link is still usable, so the confirm page can say so before the person presses the button. */
export async function signInLinkIsLive(db: Db, token: string): Promise<boolean> {
  return repo.signInTokenIsLive(db, hashToken(token));
}

/** Uses up a sign-in link and opens a session; null when the link is used, expired or unknown. */
export async function completeSignInWithLink(db: Db, token: string, userAgent?: string): Promise<{ session: string; actor: Actor } | null> {
  return inTransaction(db, async (tx) => {
    const personId = await repo.useSignInToken(tx, hashToken(token));
    return personId ? openSession(tx, personId, userAgent) : null;
  });
}

/**
 * Checks a typed one-time code for an address and opens a session; null when it is wrong, spent or locked.
 * The tenth wrong code within a day, across links, locks sign-in by code for the address for a day and tells its owner.
 */
export async function completeSignInWithCode(ctx: SignInContext, rawEmail: string, code: string, userAgent?: string) {
  const email = rawEmail.trim().toLowerCase();
  const now = new Date();
  let locked = false;
  const result = await inTransaction(ctx.db, async (tx) => {
    if (await repo.codeSignInLocked(tx, email, now)) return null;
    const row = await repo.takeCodeAttempt(tx, email, MAX_CODE_ATTEMPTS);
    if (!row) return null;
    if (!sameHash(row.codeHash, hashToken(`${email}:${code.trim()}`))) {
      locked = await countWrongCode({ ...ctx, db: tx }, email, row.personId, now);
      return null;
    }
    const personId = await repo.useSignInToken(tx, row.tokenHash);
    return personId ? openSession(tx, personId, userAgent) : null;
  });
  if (locked) ctx.mailer.kick();
  return result;
}

/** Counts a wrong code; at the limit, locks sign-in by code and (once per lock) emails the owner. True when it locked. */
async function countWrongCode(ctx: SignInContext, email: string, personId: number | null, now: Date): Promise<boolean> {
  const failures = await repo.recordCodeFailure(ctx.db, email, new Date(now.getTime() - LOCK_MS));
  if (failures < LOCK_AFTER_FAILURES) return false;
  const until = new Date(now.getTime() + LOCK_MS);
  if (!(await repo.lockCodeSignIn(ctx.db, email, until))) return false;
  const person = personId ? await personForAuth(ctx.db, personId) : undefined;
  if (!person) return false;
  const untilText = `${until.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const { text, html } = renderSimpleEmail({
    heading: 'Sign-in by code is paused for your address',
    paragraphs: [
      `Hello ${person.name},`,
      `Someone typed ${failures} wrong sign-in codes for ${person.email} within a day, so signing in to ${ctx.networkName} by code is paused until ${untilText}.`,
      'The button in a sign-in email still works. If the wrong codes were not yours, someone may be trying to sign in as you: you need do nothing, but tell the network team.',
    ],
    footer: ctx.networkName,
  });
  await ctx.mailer.queue(ctx.db, { to: person.email, subject: `Sign-in by code paused for ${ctx.networkName}`, text, html });
  await recordAudit(ctx.db, systemActor('sign-in'), {
    action: 'signin.lock',
    entityType: 'person',
    entityId: person.id,
    summary: `Sign-in by code locked for ${person.email} until ${untilText} after ${failures} wrong codes`,
  });
  return true;
}

async function openSession(tx: Db, personId: number, userAgent?: string) {
  const session = newToken();
  await repo.insertSession(tx, {
    tokenHash: hashToken(session),
    personId,
    userAgent: userAgent?.slice(0, 300) ?? null,
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
  });
  const actor = (await actorForPerson(tx, personId))!;
  await recordAudit(tx, actor, { action: 'session.start', entityType: 'person', entityId: personId, summary: `${actor.label} signed in` });
  return { session, actor };
}

async function actorForPerson(db: Db, personId: number): Promise<Actor | null> {
  const p = await personForAuth(db, personId);
  if (!p) return null;
  return { kind: 'person', id: p.id, label: `${p.name} <${p.email}>`, role: p.accessRole, organisationId: p.organisationId };
}

/** The actor behind a session cookie, or null; refreshes the session at most once a minute. */
export async function actorForSession(db: Db, session: string): Promise<Actor | null> {
  const row = await repo.findSession(db, hashToken(session));
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > 60_000) {
    await repo.touchSession(db, row.sessionId, new Date(Date.now() + SESSION_TTL_MS));
  }
  return actorForPerson(db, row.personId);
}

/** Ends this browser's session. */
export async function signOut(db: Db, session: string): Promise<void> {
  await repo.deleteSessionByHash(db, hashToken(session));
}

/** Ends every session of the actor, on every device. */
export async function signOutEverywhere(db: Db, actor: Actor): Promise<number> {
  if (actor.kind !== 'person' || actor.id == null) return 0;
  return inTransaction(db, async (tx) => {
    const n = await repo.deleteSessionsOf(tx, actor.id!);
    await recordAudit(tx, actor, {
      action: 'session.revokeAll',
      entityType: 'person',
      entityId: actor.id,
      summary: `${actor.label} signed out everywhere (${n} sessions)`,
    });
    return n;
  });
}

/** The actor's sessions, marking the current one. */
export async function mySessions(db: Db, actor: Actor, currentSession?: string) {
  authorise(actor, 'account.view');
  const current = currentSession ? hashToken(currentSession) : '';
  const rows = await repo.sessionsOf(db, actor.id!);
  return rows.map(({ tokenHash, ...r }) => ({ ...r, current: tokenHash === current }));
}

const tokenInput = z.object({
  name: requiredText(100, 'Enter a name'),
  role: z.enum(ACCOUNT_ROLES, { error: `Choose one of: ${ACCOUNT_ROLES.join(', ')}` }),
});

/** Creates an API token and returns it in plain text, the only time it is shown. */
export async function createApiToken(db: Db, actor: Actor, input: unknown): Promise<{ id: number; token: string }> {
  authorise(actor, 'tokens.manage');
  const v = parseOrThrow(tokenInput, input);
  const token = newToken('baton_');
  return inTransaction(db, async (tx) => {
    const id = await repo.insertApiToken(tx, { name: v.name, role: v.role, tokenHash: hashToken(token) });
    await recordAudit(tx, actor, {
      action: 'token.create',
      entityType: 'api_token',
      entityId: id,
      summary: `Created API token ${v.name} (${v.role})`,
    });
    return { id, token };
  });
}

/** The actor behind a bearer token, or null. */
export async function actorForApiToken(db: Db, bearer: string): Promise<Actor | null> {
  const row = await repo.findApiToken(db, hashToken(bearer));
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await repo.touchApiToken(db, row.id);
  return { kind: 'token', id: row.id, label: `API token ${row.name}`, role: row.role as AccountRole, organisationId: null };
}

/** Lists API tokens for an admin. */
export async function listApiTokens(db: Db, actor: Actor) {
  authorise(actor, 'tokens.manage');
  return repo.listApiTokens(db);
}

/** Revokes an API token. */
export async function revokeApiToken(db: Db, actor: Actor, id: number): Promise<void> {
  authorise(actor, 'tokens.manage');
  await inTransaction(db, async (tx) => {
    const name = await repo.revokeApiToken(tx, id);
    if (!name) throw new ValidationError([{ field: 'id', message: 'No live token with that id' }]);
    await recordAudit(tx, actor, { action: 'token.revoke', entityType: 'api_token', entityId: id, summary: `Revoked API token ${name}` });
  });
}
