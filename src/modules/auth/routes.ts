import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { ValidationError } from '../../platform/errors.js';
import { formErrors } from '../../platform/http/forms.js';
import { paths, safeNext, withQuery } from '../../platform/http/paths.js';
import * as auth from './service.js';

const SESSION_COOKIE = 'baton_session';

function cookieOptions(ctx: AppContext) {
  const u = new URL(ctx.config.baseUrl);
  const secure = u.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', maxAge: auth.SESSION_TTL_MS / 1000 };
}

/** Resolves the actor of every request: a session cookie for pages, a bearer token for the API. */
function resolveActor(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/assets/') || req.url === paths.health) return;
    if (req.url.startsWith('/api/v1')) {
      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      const actor = bearer ? await auth.actorForApiToken(ctx.db, bearer) : null;
      if (!actor) {
        return reply.code(401).header('WWW-Authenticate', 'Bearer').send({
          error: 'unauthorized',
          message: 'Send an API token as "Authorization: Bearer TOKEN"; an admin creates tokens at /admin/tokens',
        });
      }
      req.actor = actor;
      return;
    }
    const session = req.cookies[SESSION_COOKIE];
    if (!session) return;
    const actor = await auth.actorForSession(ctx.db, session);
    if (actor) {
      req.actor = actor;
      req.sessionToken = session;
    } else {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
  });
}

const signInRateLimit = (ctx: AppContext) => ({
  rateLimit: { max: ctx.config.signInRateLimit, timeWindow: '15 minutes' },
});

/** Sign-in by emailed link or code, sign-out, and the account page. */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  resolveActor(app, ctx);
  const devOutbox = !ctx.mailer.usesSmtp;
  const signInCtx: auth.SignInContext = {
    db: ctx.db,
    mailer: ctx.mailer,
    baseUrl: ctx.config.baseUrl,
    networkName: ctx.config.networkName,
  };

  const startSession = (reply: FastifyReply, session: string, next: unknown) =>
    reply.setCookie(SESSION_COOKIE, session, cookieOptions(ctx)).redirect(safeNext(next), 303);

  app.get(paths.signIn, async (req, reply) => {
    const q = req.query as { next?: string };
    return reply.page('auth/views/sign-in.njk', { next: safeNext(q.next), values: {} });
  });

  app.post(paths.signIn, { config: signInRateLimit(ctx) }, async (req, reply) => {
    const body = (req.body ?? {}) as { email?: string; next?: string };
    const next = safeNext(body.next);
    let email: string;
    try {
      email = auth.signInAddress(body.email ?? '');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page('auth/views/sign-in.njk', { next, values: body, errors: formErrors(err.issues) });
    }
    // The address is looked up only once the answer has gone: a member's address and a stranger's take the same time.
    app.afterResponse.run(reply, () => auth.requestSignIn(signInCtx, email, next));
    return reply.redirect(withQuery(paths.signInCheckEmail, { next: next === paths.home ? undefined : next }), 303);
  });

  app.get(paths.signInCheckEmail, async (req, reply) => {
    const q = req.query as { next?: string };
    return reply.page('auth/views/check-email.njk', { next: safeNext(q.next), devOutbox, values: {} });
  });

  app.post(paths.signInCode, { config: signInRateLimit(ctx) }, async (req, reply) => {
    const body = z
      .object({ email: z.string().default(''), code: z.string().default(''), next: z.string().optional() })
      .parse(req.body ?? {});
    const result = await auth.completeSignInWithCode(signInCtx, body.email, body.code, req.headers['user-agent']);
    if (!result) {
      const errors = formErrors([{ field: 'code', message: 'The code is wrong or has expired: check the email, or ask for a new one' }]);
      return reply.code(400).page('auth/views/check-email.njk', { next: safeNext(body.next), devOutbox, values: body, errors });
    }
    return startSession(reply, result.session, body.next);
  });

  // A GET only shows a button: mail scanners open every link, and must not use it up.
  app.get(paths.signInConfirm, async (req, reply) => {
    const q = req.query as { token?: string; next?: string };
    const live = q.token ? await auth.signInLinkIsLive(ctx.db, q.token) : false;
    reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'no-store');
    return reply.page('auth/views/confirm.njk', { token: q.token, next: safeNext(q.next), live });
  });

  app.post(paths.signInConfirm, { config: signInRateLimit(ctx) }, async (req, reply) => {
    const body = (req.body ?? {}) as { token?: string; next?: string };
    const result = body.token ? await auth.completeSignInWithLink(ctx.db, body.token, req.headers['user-agent']) : null;
    if (!result) return reply.code(400).page('auth/views/confirm.njk', { live: false });
    return startSession(reply, result.session, body.next);
  });

  app.post(paths.signOut, async (req, reply) => {
    if (req.sessionToken) await auth.signOut(ctx.db, req.sessionToken);
    return reply.clearCookie(SESSION_COOKIE, { path: '/' }).redirect(paths.home, 303);
  });

  app.get(paths.account, async (req: FastifyRequest, reply) => {
    const sessions = await auth.mySessions(ctx.db, req.actor, req.sessionToken);
    return reply.page('auth/views/account.njk', { sessions });
  });

  app.post(paths.signOutEverywhere, async (req, reply) => {
    await auth.signOutEverywhere(ctx.db, req.actor);
    return reply.clearCookie(SESSION_COOKIE, { path: '/' }).redirect(paths.signIn, 303);
  });
}
