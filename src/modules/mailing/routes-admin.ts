import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { CsvExport, sendCsv } from '../../platform/csv.js';
import { ValidationError } from '../../platform/errors.js';
import { formErrors, pageNumber } from '../../platform/http/forms.js';
import { pathId } from '../../platform/validation.js';
import { paths } from '../../platform/http/paths.js';
import { authorise } from '../../policy.js';
import { emailEditionSummary } from '../bulletin/read-model.js';
import { emailPages } from './pages/email.js';
import * as repo from './repo.js';
import * as sends from './sends.js';
import * as subs from './subscriptions.js';

type Params = { Params: { id: string } };
const PER_PAGE = 50;

/** The editors' pages for mailing lists, the email edition, and sends with their progress. */
export function mailingAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;

  const listsPage = async (req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.page('mailing/views/admin-lists.njk', { lists: await subs.allLists(db, req.actor), values: {}, ...extra });
  app.get(paths.adminLists, async (req, reply) => listsPage(req, reply));
  app.post(paths.adminLists, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    try {
      await subs.createList(db, req.actor, {
        name: body.name,
        description: body.description,
        public: body.public === 'yes',
        requiresApproval: body.requiresApproval === 'yes',
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return listsPage(req, reply.code(400), { values: body, errors: formErrors(err.issues) });
    }
    return reply.redirect(paths.adminLists, 303);
  });

  const listPage = async (req: FastifyRequest<Params>, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    authorise(req.actor, 'mailing.manage');
    const list = await repo.getList(db, pathId(req.params.id));
    if (!list) return reply.callNotFound();
    const q = req.query as { q?: string; page?: string; status?: string };
    const page = pageNumber(q.page);
    const status = (
      ['active', 'unsubscribed', 'unconfirmed', 'awaiting_approval'].includes(q.status ?? '') ? q.status : 'active'
    ) as 'active';
    const [subscribers, waiting] = await Promise.all([
      repo.listSubscribers(db, list.id, { status, q: q.q?.trim() || undefined, limit: PER_PAGE, offset: (page - 1) * PER_PAGE }),
      repo.listSubscribers(db, list.id, { status: 'awaiting_approval', limit: 200, offset: 0 }),
    ]);
    return reply.page('mailing/views/admin-list.njk', {
      list,
      subscribers,
      waiting: waiting.rows,
      page,
      perPage: PER_PAGE,
      q: q.q ?? '',
      status,
      values: {},
      ...extra,
    });
  };
  app.get<Params>('/admin/lists/:id', listPage);
  app.post<Params>('/admin/lists/:id', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const list = await repo.getList(db, pathId(req.params.id));
    try {
      await subs.upsertSubscribers(
        db,
        req.actor,
        {
          lists: [list?.name ?? ''],
          subscribers: [{ email: body.email, name: body.name, role: body.role, organisation: body.organisation }],
        },
        'editor',
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const issues = err.issues.map((i) => ({ ...i, field: i.field.replace(/^subscribers\[0\]\./, '') }));
      return listPage(req, reply.code(400), { values: body, errors: formErrors(issues) });
    }
    return reply.redirect(paths.adminList(req.params.id), 303);
  });
  app.post<{ Params: { id: string; sub: string; decision: string } }>('/admin/lists/:id/requests/:sub/:decision', async (req, reply) => {
    await subs.decideJoin(db, req.actor, pathId(req.params.id), pathId(req.params.sub), req.params.decision === 'approve');
    return reply.redirect(paths.adminList(req.params.id), 303);
  });
  app.get<Params>('/admin/lists/:id/subscribers.csv', async (req, reply) => {
    authorise(req.actor, 'mailing.manage');
    const listId = pathId(req.params.id);
    const csv = new CsvExport(['email', 'name', 'role', 'organisation', 'status', 'since', 'bouncing']);
    for (const status of ['active', 'awaiting_approval', 'unconfirmed', 'unsubscribed'] as const) {
      for (let offset = 0; ; offset += 5000) {
        const page = await repo.listSubscribers(db, listId, { status, limit: 5000, offset });
        csv.add(page.rows.map((r) => [r.email, r.name, r.role, r.organisation, r.status, r.since, r.bouncing]));
        if (page.rows.length < 5000) break;
      }
    }
    return sendCsv(reply, `list-${listId}-subscribers.csv`, csv);
  });

  emailPages(app, ctx);

  app.get<Params>('/admin/sends/:id', async (req, reply) => {
    const id = pathId(req.params.id);
    const p = await sends.progress(db, req.actor, id);
    const q = req.query as { q?: string; status?: string; page?: string };
    const page = pageNumber(q.page);
    const rows = await sends.deliveries(db, req.actor, id, {
      q: q.q?.trim() || undefined,
      status: q.status || undefined,
      limit: PER_PAGE,
      offset: (page - 1) * PER_PAGE,
    });
    const live = p.status === 'sending' || p.status === 'queued';
    return reply.page('mailing/views/admin-send.njk', {
      usesSmtp: ctx.mailer.usesSmtp,
      p,
      rows,
      q: q.q ?? '',
      status: q.status ?? '',
      page,
      live,
      edition: await emailEditionSummary(db, req.actor, p.send.editionId),
    });
  });
  app.get<Params>('/admin/sends/:id/progress.json', async (req) => {
    const p = await sends.progress(db, req.actor, pathId(req.params.id));
    return { status: p.status, total: p.total, sent: p.sent, failed: p.failed, waiting: p.waiting, percent: p.percent };
  });
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<Params>(`/admin/sends/:id/${action}`, async (req, reply) => {
      await sends.controlSend(db, req.actor, pathId(req.params.id), action);
      return reply.redirect(paths.adminSend(req.params.id), 303);
    });
  }
  app.get<Params>('/admin/sends/:id/deliveries.csv', async (req, reply) => {
    const id = pathId(req.params.id);
    return sendCsv(reply, `send-${id}-recipients.csv`, await sends.deliveriesCsv(db, req.actor, id));
  });
}
