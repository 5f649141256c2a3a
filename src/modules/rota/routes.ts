import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { sendCsv } from '../../platform/csv.js';
import { ValidationError } from '../../platform/errors.js';
import { formErrors } from '../../platform/http/forms.js';
import { pathId } from '../../platform/validation.js';
import { paths } from '../../platform/http/paths.js';
import { authorise } from '../../policy.js';
import { searchPeople } from '../directory/service.js';
import * as intro from './intro.js';
import * as rota from './service.js';

type Body = Record<string, string | undefined>;

/** The rota pages: the editors' rota, a director's own slots, and the introduction form behind a personal link. */
export function rotaRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, mailer, config } = ctx;
  const submitOpts = { baseUrl: config.baseUrl, networkName: config.networkName };

  const rotaPage = async (req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    // Refuse before starting the page's queries: none of them is left running (or rejecting unheard) for a refused caller.
    authorise(req.actor, 'rota.manage');
    const [entries, fair, waiting, people] = await Promise.all([
      rota.listRota(db, req.actor),
      rota.fairness(db, req.actor),
      intro.waitingIntroductions(db, req.actor),
      searchPeople(db, req.actor, { limit: 5000, offset: 0 }),
    ]);
    return reply.page('rota/views/admin-rota.njk', {
      entries,
      fair,
      waiting,
      people: people.rows.filter((p) => p.jobRole === 'director'),
      values: {},
      ...extra,
    });
  };
  const refused = async (err: unknown, req: FastifyRequest, reply: FastifyReply, body: Body) => {
    if (!(err instanceof ValidationError)) throw err;
    return rotaPage(req, reply.code(400), { errors: formErrors(err.issues), values: body });
  };

  app.get(paths.adminRota, async (req, reply) => rotaPage(req, reply));
  app.get(paths.adminRotaExport, async (req, reply) => sendCsv(reply, 'rota.csv', await rota.rotaCsv(db, req.actor)));
  app.post(paths.adminRota, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    try {
      await rota.assignSlot(db, req.actor, { month: body.month, person: body.person });
    } catch (err) {
      return refused(err, req, reply, body);
    }
    return reply.redirect(paths.adminRota, 303);
  });
  app.post(paths.adminRotaSwap, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    try {
      await rota.swapSlots(db, req.actor, { first: body.first, second: body.second });
    } catch (err) {
      return refused(err, req, reply, body);
    }
    return reply.redirect(paths.adminRota, 303);
  });
  app.post(paths.adminRotaDeadline, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    try {
      await rota.changeDeadline(db, req.actor, { month: body.deadlineMonth, deadline: body.deadline ?? '' });
    } catch (err) {
      return refused(err, req, reply, body);
    }
    return reply.redirect(paths.adminRota, 303);
  });
  app.post<{ Params: { id: string } }>('/admin/introductions/:id/place', async (req, reply) => {
    const editionId = await intro.placeIntroduction(db, req.actor, pathId(req.params.id));
    return reply.redirect(`${paths.adminEdition(editionId)}#introduction`, 303);
  });

  app.get(paths.rotaMine, async (req, reply) => reply.page('rota/views/mine.njk', { slots: await rota.mySlots(db, req.actor) }));

  const formPage = (reply: FastifyReply, form: intro.IntroductionForm, action: string, extra: Record<string, unknown> = {}) =>
    reply
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .page('rota/views/introduction.njk', { form, action, values: { body: form.body }, ...extra });

  app.get<{ Params: { month: string } }>('/rota/:month/introduction', async (req, reply) => {
    const form = await intro.formForActor(db, req.actor, req.params.month);
    return formPage(reply, form, paths.rotaMineMonth(form.month));
  });
  app.post<{ Params: { month: string } }>('/rota/:month/introduction', async (req, reply) => {
    const form = await intro.formForActor(db, req.actor, req.params.month);
    const body = (req.body ?? {}) as Body;
    try {
      await intro.submitIntroduction(db, mailer, { form, body: body.body, submittedBy: req.actor.label, ...submitOpts });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return formPage(reply.code(400), form, paths.rotaMineMonth(form.month), { errors: formErrors(err.issues), values: body });
    }
    return formPage(reply, await intro.formForActor(db, req.actor, req.params.month), paths.rotaMineMonth(form.month), {
      notice: 'Thank you: the regional team has your introduction',
    });
  });

  // A GET only shows the form: opening the link (as mail scanners do) changes nothing.
  app.get<{ Params: { token: string } }>('/introduction/:token', async (req, reply) => {
    const form = await intro.formForLink(db, req.params.token);
    if (!form) return reply.code(404).header('Referrer-Policy', 'no-referrer').page('rota/views/link-expired.njk');
    return formPage(reply, form, paths.introduction(req.params.token));
  });
  app.post<{ Params: { token: string } }>('/introduction/:token', async (req, reply) => {
    const form = await intro.formForLink(db, req.params.token);
    if (!form) return reply.code(404).page('rota/views/link-expired.njk');
    const body = (req.body ?? {}) as Body;
    try {
      await intro.submitIntroduction(db, mailer, {
        form,
        body: body.body,
        submittedBy: `${form.authorName} (personal link)`,
        ...submitOpts,
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return formPage(reply.code(400), form, paths.introduction(req.params.token), { errors: formErrors(err.issues), values: body });
    }
    return formPage(reply, (await intro.formForLink(db, req.params.token))!, paths.introduction(req.params.token), {
      notice: 'Thank you: the regional team has your introduction',
    });
  });
}
