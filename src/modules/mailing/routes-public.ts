import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { ValidationError } from '../../platform/errors.js';
import { formErrors } from '../../platform/http/forms.js';
import { parseId } from '../../platform/validation.js';
import { paths } from '../../platform/http/paths.js';
import { JOB_ROLES, JOB_ROLE_LABELS } from '../directory/schema.js';
import * as subs from './subscriptions.js';

type Body = Record<string, string | undefined>;

/** Joining a list (double opt-in), confirming, and unsubscribing (a page, and RFC 8058 one-click). */
export function mailingPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, secret } = ctx;
  const join = { db, mailer: ctx.mailer, baseUrl: ctx.config.baseUrl, networkName: ctx.config.networkName };
  const roles = JOB_ROLES.map((r) => ({ value: r, text: JOB_ROLE_LABELS[r] }));

  app.get(paths.subscribe, async (req, reply) => {
    const list = parseId((req.query as { list?: string }).list) ?? undefined;
    return reply.page('mailing/views/subscribe.njk', { lists: await subs.publicLists(db), roles, values: { list } });
  });
  app.post(
    paths.subscribe,
    { config: { rateLimit: { max: ctx.config.signInRateLimit, timeWindow: '15 minutes' } } },
    async (req, reply) => {
      const body = (req.body ?? {}) as Body;
      try {
        await subs.requestJoin(join, body);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return reply.code(400).page('mailing/views/subscribe.njk', {
          lists: await subs.publicLists(db),
          roles,
          values: body,
          errors: formErrors(err.issues, { list: 'list' }),
        });
      }
      return reply.redirect(paths.subscribeCheck, 303);
    },
  );
  app.get(paths.subscribeCheck, async (_req, reply) => reply.page('mailing/views/subscribe-check.njk'));

  // A GET shows a button only: mail scanners open links, and must not confirm.
  app.get<{ Params: { token: string } }>(paths.subscribeConfirm.pattern, async (req, reply) => {
    const list = await subs.confirmationFor(db, req.params.token);
    return reply.header('Referrer-Policy', 'no-referrer').page('mailing/views/confirm.njk', { list, token: req.params.token });
  });
  app.post<{ Params: { token: string } }>(paths.subscribeConfirm.pattern, async (req, reply) => {
    const result = await subs.confirmJoin(db, req.params.token);
    return reply.code(result ? 200 : 400).page('mailing/views/confirmed.njk', { result });
  });

  app.get<{ Params: { token: string } }>(paths.unsubscribe.pattern, async (req, reply) => {
    const target = await subs.unsubscribeTarget(db, secret, req.params.token);
    return reply
      .code(target ? 200 : 404)
      .header('Referrer-Policy', 'no-referrer')
      .page('mailing/views/unsubscribe.njk', { target, token: req.params.token });
  });
  // RFC 8058: a POST with List-Unsubscribe=One-Click unsubscribes at once, with no sign-in, form token or confirmation.
  app.post<{ Params: { token: string } }>(paths.unsubscribe.pattern, { config: { csrf: false } }, async (req, reply) => {
    const oneClick = (req.body as Body | undefined)?.['List-Unsubscribe'] === 'One-Click';
    const ok = await subs.unsubscribe(db, secret, req.params.token, oneClick ? 'one-click' : 'unsubscribe-page');
    if (oneClick)
      return reply
        .code(ok ? 200 : 404)
        .type('text/plain; charset=utf-8')
        .send(ok ? 'Unsubscribed' : 'Unknown link');
    const target = ok ? await subs.unsubscribeTarget(db, secret, req.params.token) : null;
    return reply.code(ok ? 200 : 404).page('mailing/views/unsubscribe.njk', { target, token: req.params.token, done: ok });
  });
}
