import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/http/context.js';
import { sendCsv } from '../../../platform/csv.js';
import { ValidationError } from '../../../platform/errors.js';
import { pageNumber } from '../../../platform/http/forms.js';
import { actionRoute, formPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import type { SubscriptionStatus } from '../schema.js';
import * as subs from '../subscriptions.js';

const PER_PAGE = 50;
const STATUSES: SubscriptionStatus[] = ['active', 'unsubscribed', 'unconfirmed', 'awaiting_approval'];
const ticked = z
  .string()
  .optional()
  .transform((v) => v === 'yes');
const text = z.string().optional();

/** The "add a list" form as the browser submits it. */
const listForm = z.object({ name: z.string().default(''), description: text, public: ticked, requiresApproval: ticked });
/** The "add a subscriber" form. */
const subscriberForm = z.object({ email: text, name: text, role: text, organisation: text });

/** The editors' pages for mailing lists: all lists (and adding one), one list's members, its requests and its CSV. */
export function listPages(app: FastifyInstance, { db }: AppContext): void {
  const manage = (req: { actor: Parameters<typeof authorise>[0] }) => authorise(req.actor, 'mailing.manage');

  formPage(app, {
    path: paths.adminLists,
    authorise: manage,
    template: 'mailing/views/admin-lists.njk',
    schema: listForm,
    load: async (req) => ({ lists: await subs.allLists(db, req.actor) }),
    submit: async (req, input) => {
      const list = await subs.createList(db, req.actor, input);
      return { to: paths.adminLists, notice: `Added the list ${list.name}` };
    },
  });

  formPage(app, {
    path: paths.adminList.pattern,
    resource: async (req: PageRequest) => subs.listForEditor(db, req.actor, pathId(req.params.id)),
    authorise: manage,
    template: 'mailing/views/admin-list.njk',
    schema: subscriberForm,
    load: async (req, list) => {
      const page = pageNumber(req.query.page);
      const status = STATUSES.find((s) => s === req.query.status) ?? 'active';
      const q = req.query.q?.trim() || undefined;
      const members = await subs.listMembers(db, req.actor, list.id, { status, q, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
      return { list, ...members, page, perPage: PER_PAGE, q: req.query.q ?? '', status };
    },
    submit: async (req, input, list) => {
      try {
        await subs.upsertSubscribers(db, req.actor, { lists: [list.name], subscribers: [input] }, 'editor');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        // The service checks a batch; this form is its first row.
        throw new ValidationError(err.issues.map((i) => ({ ...i, field: i.field.replace(/^subscribers\[0\]\./, '') })));
      }
      return { to: paths.adminList(list.id), notice: `Added ${input.email ?? ''} to ${list.name}` };
    },
  });

  actionRoute(app, {
    path: paths.adminListDecision.pattern,
    authorise: manage,
    submit: async (req) => {
      const approve = req.params.decision === 'approve';
      await subs.decideJoin(db, req.actor, pathId(req.params.listId), pathId(req.params.subscriberId), approve);
      return { to: paths.adminList(req.params.listId!), notice: approve ? 'Approved the request to join' : 'Declined the request to join' };
    },
  });

  app.get(paths.adminListExport.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const listId = pathId(req.params.id);
    return sendCsv(reply, `list-${listId}-subscribers.csv`, await subs.subscribersCsv(db, req.actor, listId));
  });
}
