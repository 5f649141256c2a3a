import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { sendCsv } from '../../../platform/csv.js';
import { pageNumber } from '../../../platform/http/forms.js';
import { actionRoute, viewPage, type PageRequest } from '../../../platform/http/page.js';
import { paths, type Route } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import { emailEditionSummary } from '../../bulletin/read-model.js';
import * as sends from '../sends.js';

const PER_PAGE = 50;
const CONTROLS: Array<{ action: 'pause' | 'resume' | 'cancel'; path: Route; done: string }> = [
  { action: 'pause', path: paths.adminSendPause, done: 'The send is paused' },
  { action: 'resume', path: paths.adminSendResume, done: 'The send has resumed' },
  { action: 'cancel', path: paths.adminSendCancel, done: 'The send is cancelled: nothing more will go out' },
];

/** The editors' pages for one send: its progress and recipients, pause/resume/cancel, and its CSV. */
export function sendPages(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const send = (req: { actor: Parameters<typeof authorise>[0] }) => authorise(req.actor, 'mailing.send');

  viewPage(app, {
    path: paths.adminSend.pattern,
    resource: async (req) => sends.progress(db, req.actor, pathId(req.params.id)),
    authorise: send,
    template: 'mailing/views/admin-send.njk',
    load: async (req, p) => {
      const page = pageNumber(req.query.page);
      const rows = await sends.deliveries(db, req.actor, p.send.id, {
        q: req.query.q?.trim() || undefined,
        status: req.query.status || undefined,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      });
      return {
        usesSmtp: ctx.mailer.usesSmtp,
        p,
        rows,
        q: req.query.q ?? '',
        status: req.query.status ?? '',
        page,
        live: p.status === 'sending' || p.status === 'queued',
        edition: await emailEditionSummary(db, req.actor, p.send.editionId),
      };
    },
  });

  app.get(paths.adminSendProgress.pattern, async (request) => {
    const req = request as PageRequest;
    const p = await sends.progress(db, req.actor, pathId(req.params.id));
    return { status: p.status, total: p.total, sent: p.sent, failed: p.failed, waiting: p.waiting, percent: p.percent };
  });

  for (const c of CONTROLS) {
    actionRoute(app, {
      path: c.path.pattern,
      authorise: send,
      submit: async (req) => {
        await sends.controlSend(db, req.actor, pathId(req.params.id), c.action);
        return { to: paths.adminSend(req.params.id!), notice: c.done };
      },
    });
  }

  app.get(paths.adminSendExport.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const id = pathId(req.params.id);
    return sendCsv(reply, `send-${id}-recipients.csv`, await sends.deliveriesCsv(db, req.actor, id));
  });
}
