import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { ValidationError } from '../../../platform/errors.js';
import { formErrors } from '../../../platform/http/forms.js';
import { redirectDone, viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { authorise } from '../../../policy.js';
import * as intro from '../intro.js';
import * as rota from '../service.js';

type Body = Record<string, string | undefined>;
const THANKS = 'Thank you: the regional team has your introduction';

/** A director's own months, and the introduction form (signed in, or behind a personal link with no password). */
export function introductionPages(app: FastifyInstance, ctx: AppContext): void {
  const { db, mailer, config } = ctx;
  const submitOpts = { baseUrl: config.baseUrl, networkName: config.networkName };

  viewPage(app, {
    path: paths.rotaMine,
    authorise: (req) => authorise(req.actor, 'rota.viewOwn'),
    template: 'rota/views/mine.njk',
    load: async (req) => ({ slots: await rota.mySlots(db, req.actor), due: await rota.dueNotices(db, req.actor) }),
  });

  // The form keeps its own routes: it is private (no-store, no referrer) and reached by a token as well as a session.
  const show = (reply: FastifyReply, form: intro.IntroductionForm, action: string, extra: Record<string, unknown> = {}) =>
    reply
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .page('rota/views/introduction.njk', { form, action, values: { body: form.body }, ...extra });

  app.get<{ Params: { month: string } }>(paths.rotaMineMonth.pattern, async (req, reply) => {
    const form = await intro.formForActor(db, req.actor, req.params.month);
    return show(reply, form, paths.rotaMineMonth(form.month));
  });
  app.post<{ Params: { month: string } }>(paths.rotaMineMonth.pattern, async (req, reply) => {
    const form = await intro.formForActor(db, req.actor, req.params.month);
    const body = (req.body ?? {}) as Body;
    try {
      await intro.submitIntroduction(db, mailer, { form, body: body.body, submittedBy: req.actor.label, ...submitOpts });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return show(reply.code(400), form, paths.rotaMineMonth(form.month), { errors: formErrors(err.issues), values: body });
    }
    return redirectDone(reply, { to: paths.rotaMineMonth(form.month), notice: THANKS });
  });

  // A GET only shows the form: opening the link (as mail scanners do) changes nothing.
  app.get<{ Params: { token: string } }>(paths.introduction.pattern, async (req, reply) => {
    const form = await intro.formForLink(db, req.params.token);
    if (!form) return reply.code(404).header('Referrer-Policy', 'no-referrer').page('rota/views/link-expired.njk');
    return show(reply, form, paths.introduction(req.params.token));
  });
  app.post<{ Params: { token: string } }>(paths.introduction.pattern, async (req, reply) => {
    const form = await intro.formForLink(db, req.params.token);
    if (!form) return reply.code(404).page('rota/views/link-expired.njk');
    const body = (req.body ?? {}) as Body;
    try {
      await intro.submitIntroduction(db, mailer, { form, body: body.body, submittedBy: `${form.authorName} (personal link)`, ...submitOpts });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return show(reply.code(400), form, paths.introduction(req.params.token), { errors: formErrors(err.issues), values: body });
    }
    return redirectDone(reply.header('Referrer-Policy', 'no-referrer'), { to: paths.introduction(req.params.token), notice: THANKS });
  });
}
