import path from 'node:path';
import { projectRoot } from '../root.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import staticFiles from '@fastify/static';
import { PUBLIC_ACTOR, type Actor } from '../actor.js';
import { BusyError, ConflictError, FieldConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { AppContext } from './context.js';
import { paths, withQuery } from './paths.js';
import { registerAfterResponse } from './after-response.js';
import { createViews } from './views.js';
import { recordRoutes } from './route-table.js';
import { guardInput } from './input-guard.js';
import { badInputFromDatabase } from '../db/input-errors.js';
import type { UploadedFile } from './forms.js';
import { takeNotice } from './page.js';
import { visibleFeatures } from './features.js';
import { loggerOptions, logRequestsAtDebug } from '../log/logger.js';

const root = projectRoot;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is making the request (the public until a session or token says otherwise). */
    actor: Actor;
    /** The session cookie's token, when signed in. */
    sessionToken?: string;
  }
  interface FastifyReply {
    /** Renders a page in the site layout and sends it. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
    /** Renders a page in the site layout to a string (for the page cache). */
    render(template: string, data?: Record<string, unknown>): string;
  }
  interface FastifyContextConfig {
    /** Set false on a POST that must work without a form token (RFC 8058 one-click unsubscribe). */
    csrf?: boolean;
  }
}

/** A module's routes, registered on the app with the shared context. */
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

/** Options for building the app. */
export interface HttpOptions {
  cookieSecret: string;
  modules: RouteModule[];
  /** Told of every route as it is registered: how a caller lists the whole route table (the route × role test does). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
  /** The policy's decision, offered to templates as `can('action', resource)` (platform code knows no actions itself). */
  can?: (actor: Actor, action: string, resource?: Record<string, unknown>) => boolean;
}

/** True when cookies may carry the Secure flag: https, or localhost (browsers treat it as secure). */
function secureCookies(baseUrl: string): boolean {
  const u = new URL(baseUrl);
  return u.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

/** What a form token is bound to: the session it was made in, or none; the auth module's onRequest hook sets the session. */
function csrfBinding(req: FastifyRequest): string {
  return req.sessionToken ? `session:${req.sessionToken}` : 'signed-out';
}

/** Builds the Fastify app with security headers, CSRF, cookies, forms, static assets, views and errors. */
export async function createHttpApp(ctx: AppContext, opts: HttpOptions): Promise<FastifyInstance> {
  const { config } = ctx;
  const https = config.baseUrl.startsWith('https:');
  const app = Fastify({
    ...loggerOptions(config),
    trustProxy: false,
    bodyLimit: 5 * 1024 * 1024,
  });
  const views = createViews({ networkName: config.networkName });
  const onRoute = opts.onRoute;
  if (onRoute) app.addHook('onRoute', (route) => onRoute({ method: route.method, url: route.url }));
  recordRoutes(app);
  logRequestsAtDebug(app, config);

  registerAfterResponse(app);
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('sessionToken', undefined);
  app.addHook('onRequest', async (req) => {
    req.actor = PUBLIC_ACTOR;
  });
  app.decorateReply('render', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const csrf = () => this.generateCsrf({ userInfo: csrfBinding(this.request) });
    const actor = this.request.actor;
    const can = (action: string, resource?: Record<string, unknown>) => opts.can?.(actor, action, resource) ?? false;
    const features = visibleFeatures(app, can);
    return views.render(template, { ...data, actor, can, currentPath: this.request.url, csrf, features });
  });
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    // The notice from the last redirect is taken here, not in render(): rendered strings may be cached for everyone.
    const notice = (data.notice as string | undefined) ?? takeNotice(this.request, this);
    return this.type('text/html; charset=utf-8').send(this.render(template, { ...data, notice }));
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(cookie, { secret: opts.cookieSecret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'baton_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure: secureCookies(config.baseUrl), path: '/' },
    // A form token is minted for one session (or for signed-out forms), and refused in any other.
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: opts.cookieSecret },
  });
  await app.register(formbody);
  // An empty JSON body (as some clients send with a bodiless POST) reads as {}; malformed JSON is a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, {});
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 5 * 1024 * 1024, files: 1 },
    // Uploaded files arrive in the body as {filename, mimetype, data}.
    onFile: async (part) => {
      const file: UploadedFile = { filename: part.filename, mimetype: part.mimetype, data: await part.toBuffer() };
      (part as unknown as { value: UploadedFile }).value = file;
    },
  });
  await app.register(rateLimit, { global: false });
  await app.register(staticFiles, { root: path.join(root, 'public'), prefix: paths.assets, maxAge: '1h' });
  await app.register(staticFiles, {
    root: path.join(root, 'node_modules/govuk-frontend/dist/govuk'),
    prefix: '/assets/govuk/',
    allowedPath: (p) => p.startsWith('/assets/') || p === '/govuk-frontend.min.js',
    decorateReply: false,
    maxAge: '1d',
  });

  // Every state-changing request from a browser carries a form token; API calls use bearer tokens instead.
  app.addHook('preHandler', (req, reply, done) => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    const exempt = req.url.startsWith('/api/') || req.routeOptions.config?.csrf === false;
    if (unsafe && !exempt) return app.csrfProtection(req, reply, done);
    done();
  });

  guardInput(app);

  app.get(paths.health, async () => ({ status: 'ok' }));

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return reply.code(404).send({ error: 'not_found', message: 'No such resource' });
    return reply.code(404).page('errors/404.njk');
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => handleError(err, req, reply));

  for (const register of opts.modules) await register(app, ctx);
  return app;
}

function handleError(err: Error & { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply) {
  const api = req.url.startsWith('/api/');
  if (err instanceof FieldConflictError && api)
    return reply.code(409).send({ error: 'conflict', message: err.message, errors: err.issues });
  if (err instanceof ValidationError) {
    if (api) return reply.code(422).send({ error: 'validation', message: err.message, errors: err.issues });
    return reply.code(400).page('errors/problem.njk', { title: 'There is a problem', issues: err.issues });
  }
  if (err instanceof NotFoundError) {
    if (api) return reply.code(404).send({ error: 'not_found', message: err.message });
    return reply.code(404).page('errors/404.njk');
  }
  if (err instanceof ForbiddenError) {
    if (api) return reply.code(403).send({ error: 'forbidden', message: 'This token may not do that' });
    if (req.actor.kind === 'public' && req.method === 'GET') return reply.redirect(withQuery(paths.signIn, { next: req.url }));
    return reply.code(403).page('errors/403.njk');
  }
  if (err instanceof ConflictError) {
    if (api) return reply.code(409).send({ ...(err as ConflictError).details, error: 'conflict', message: err.message });
    return reply.code(409).page('errors/conflict.njk', { message: err.message });
  }
  if (err instanceof BusyError) {
    reply.header('retry-after', '2');
    if (api) return reply.code(503).send({ error: 'busy', message: 'Busy, please try again' });
    return reply.code(503).page('errors/busy.njk');
  }
  if (err.code?.startsWith('FST_CSRF')) {
    return reply.code(403).page('errors/csrf.njk');
  }
  const status = err.statusCode ?? 500;
  if (status === 429) {
    if (api) return reply.code(429).send({ error: 'rate_limited', message: 'Too many requests: wait and try again' });
    return reply.code(429).page('errors/429.njk');
  }
  if (status >= 400 && status < 500) {
    if (api) return reply.code(status).send({ error: 'bad_request', message: err.message });
    return reply.code(status).page('errors/problem.njk', { title: 'Sorry, we could not read that request', issues: [] });
  }
  // A last resort: input the database refused (a NUL, a number or date out of range) is the sender's problem, not ours.
  if (badInputFromDatabase(err)) {
    req.log.warn({ err }, 'the database refused input that validation let through');
    const message = 'Some of what was sent cannot be stored: check for unusual characters, very large numbers or dates out of range';
    if (api) return reply.code(422).send({ error: 'validation', message, errors: [] });
    return reply.code(400).page('errors/problem.njk', { title: 'There is a problem', issues: [{ field: '(input)', message }] });
  }
  req.log.error({ err }, 'unhandled error');
  if (api) return reply.code(500).send({ error: 'internal', message: 'Something went wrong on our side' });
  return reply.code(500).page('errors/500.njk');
}
