import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ValidationError, zodIssues } from '../errors.js';
import { formErrors } from './forms.js';
import type { PageCache } from './page-cache.js';

// One way to write a page. A route states what it is about, who may use it, what it shows and what a submission
// does; this module does the rest the same way everywhere: parse with zod, authorise through the policy, call the
// service, then redirect (post/redirect/get) with a notice, or re-render with the GOV.UK error summary and the
// values the person typed.

/** A request as page specs see it: path parameters and query values are strings. */
export type PageRequest = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined> }>;

/** Where to go after a successful submission, and what to tell the person there (shown once, in a success banner). */
export interface Done {
  to: string;
  notice?: string;
}

/** What every page spec may say: its route pattern (from paths), the thing it is about, and who may use it. */
interface Base<R> {
  /** The route pattern, from paths (e.g. paths.adminPerson.pattern). */
  path: string;
  /** Loads the thing the page is about (throwing NotFoundError for a 404); its result is passed to the other hooks. */
  resource?: (req: PageRequest) => Promise<R>;
  /** Throws ForbiddenError unless the actor may use the page: one call into the policy module. */
  authorise: (req: PageRequest, resource: R) => void | Promise<void>;
}

/** A page that only shows something. */
export interface ViewSpec<R> extends Base<R> {
  template: string;
  /** What the template shows. */
  load: (req: PageRequest, resource: R) => Promise<Record<string, unknown>>;
  /** Serve the public's copy from this page cache (signed-in people always get a fresh page, with their notice). */
  cache?: PageCache;
}

/** A form: GET shows it, POST parses, authorises, submits and redirects, or re-renders it with the problems. */
export interface FormSpec<S extends z.ZodType, R> extends Base<R> {
  template: string;
  schema: S;
  /** What the page shows besides the form's values (on GET and when re-rendered with errors). */
  load?: (req: PageRequest, resource: R) => Promise<Record<string, unknown>>;
  /** The form's first values on GET (default: none). */
  values?: (req: PageRequest, resource: R) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Does the thing through one service call; answers where to go next. */
  submit: (req: PageRequest, input: z.output<S>, resource: R) => Promise<Done | string>;
  /** The id of the input each field's error summary entry links to, where it is not the field's name. */
  fieldIds?: Record<string, string>;
  /** False registers only the POST (the form is shown by another page). */
  get?: boolean;
}

/** A button: a POST that changes something and redirects, with no page of its own. */
export interface ActionSpec<S extends z.ZodType, R> extends Base<R> {
  schema?: S;
  submit: (req: PageRequest, input: z.output<S>, resource: R) => Promise<Done | string>;
}

const NOTICE_COOKIE = 'baton_notice';

/** Sends the person on, carrying the notice to the next page in a short-lived signed cookie. */
export function redirectDone(reply: FastifyReply, done: Done | string): FastifyReply {
  const d = typeof done === 'string' ? { to: done } : done;
  if (d.notice) reply.setCookie(NOTICE_COOKIE, d.notice, { signed: true, httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 });
  return reply.redirect(d.to, 303);
}

/** The notice left by the previous redirect, if any, clearing it so it is shown once. */
export function takeNotice(req: FastifyRequest, reply: FastifyReply): string | undefined {
  const raw = req.cookies[NOTICE_COOKIE];
  if (!raw) return undefined;
  reply.clearCookie(NOTICE_COOKIE, { path: '/' });
  const unsigned = req.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

async function prepare<R>(req: PageRequest, spec: Base<R>): Promise<R> {
  const resource = (spec.resource ? await spec.resource(req) : undefined) as R;
  await spec.authorise(req, resource);
  return resource;
}

function parse<S extends z.ZodType>(schema: S | undefined, body: unknown): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new ValidationError(zodIssues(result.error));
  return result.data;
}

/** Registers a page that shows something (GET). */
export function viewPage<R = undefined>(app: FastifyInstance, spec: ViewSpec<R>): void {
  app.get(spec.path, async (request, reply) => {
    const req = request as PageRequest;
    const show = async () => {
      const resource = await prepare(req, spec);
      return spec.load(req, resource);
    };
    // A page with a notice for this person (say, after giving feedback while signed out) is theirs alone: never cached.
    if (!spec.cache || req.cookies[NOTICE_COOKIE]) return reply.page(spec.template, await show());
    // A cache hit is the public's page as it was last rendered for the public, so it skips the load and the policy.
    return spec.cache.serve(req, reply, async () => reply.render(spec.template, await show()));
  });
}

/** Registers a form: GET renders it, POST submits it (see FormSpec). */
export function formPage<S extends z.ZodType, R = undefined>(app: FastifyInstance, spec: FormSpec<S, R>): void {
  const show = async (req: PageRequest, resource: R, extra: Record<string, unknown>) => ({
    ...(spec.load ? await spec.load(req, resource) : {}),
    ...extra,
  });
  if (spec.get !== false) {
    app.get(spec.path, async (request, reply) => {
      const req = request as PageRequest;
      const resource = await prepare(req, spec);
      const values = spec.values ? await spec.values(req, resource) : {};
      return reply.page(spec.template, await show(req, resource, { values }));
    });
  }
  app.post(spec.path, async (request, reply) => {
    const req = request as PageRequest;
    const resource = await prepare(req, spec);
    try {
      return redirectDone(reply, await spec.submit(req, parse(spec.schema, req.body), resource));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const errors = formErrors(err.issues, spec.fieldIds);
      return reply.code(400).page(spec.template, await show(req, resource, { values: req.body ?? {}, errors }));
    }
  });
}

/** Registers a button's POST: authorise, parse, submit, redirect. A ValidationError shows the problem page (400). */
export function actionRoute<S extends z.ZodType, R = undefined>(app: FastifyInstance, spec: ActionSpec<S, R>): void {
  app.post(spec.path, async (request, reply) => {
    const req = request as PageRequest;
    const resource = await prepare(req, spec);
    return redirectDone(reply, await spec.submit(req, parse(spec.schema, req.body), resource));
  });
}
