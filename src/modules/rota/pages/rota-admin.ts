import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/http/context.js';
import { sendCsv } from '../../../platform/csv.js';
import { ValidationError } from '../../../platform/errors.js';
import { actionRoute, formPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import * as intro from '../intro.js';
import * as rota from '../service.js';

const TEMPLATE = 'rota/views/admin-rota.njk';
const swapForm = z.object({ first: z.string().optional(), second: z.string().optional() });
const deadlineForm = z.object({ deadlineMonth: z.string().optional(), deadline: z.string().optional() });

/** The editors' rota: who writes when, the gaps, booking (with a confirm step to replace someone), swaps and deadlines. */
export function rotaAdminPages(app: FastifyInstance, ctx: AppContext): void {
  const { db, mailer, config } = ctx;
  const mail: rota.RotaMail = { mailer, baseUrl: config.baseUrl, networkName: config.networkName, from: config.mailFrom };
  const manage = (req: PageRequest) => authorise(req.actor, 'rota.manage');

  // A fixed handful of queries whatever the size of the directory: directors only, never everyone.
  const load = async (req: PageRequest) => {
    const [entries, fair, waiting, people] = await Promise.all([
      rota.listRota(db, req.actor),
      rota.fairness(db, req.actor),
      intro.waitingIntroductions(db, req.actor),
      rota.directorsToBook(db, req.actor),
    ]);
    return { entries, gaps: rota.upcomingGaps(entries), fair, waiting, people };
  };

  formPage(app, {
    path: paths.adminRota,
    authorise: manage,
    template: TEMPLATE,
    schema: z.object({ month: z.string().optional(), person: z.string().optional() }),
    load,
    submit: async (req, input) => {
      try {
        const e = await rota.assignSlot(db, req.actor, input, mail);
        return { to: paths.adminRota, notice: `${e.authorName} writes the introduction for ${e.label}` };
      } catch (err) {
        if (!(err instanceof rota.ReplacementNeeded)) throw err;
        const q = new URLSearchParams({ month: err.month, person: String(input.person) });
        return `${paths.adminRotaReplace}?${q.toString()}`;
      }
    },
  });

  formPage(app, {
    path: paths.adminRotaReplace,
    authorise: manage,
    template: 'rota/views/replace.njk',
    schema: z.object({ month: z.string().optional(), person: z.string().optional() }),
    load: async (req) => ({ replacement: await rota.replacementFor(db, req.actor, { ...req.query, ...(req.body as object) }) }),
    values: (req) => ({ month: req.query.month, person: req.query.person }),
    submit: async (req, input) => {
      const before = await rota.replacementFor(db, req.actor, input);
      const e = await rota.assignSlot(db, req.actor, { ...input, replace: true }, mail);
      return {
        to: paths.adminRota,
        notice: `${e.authorName} replaces ${before.current} for ${e.label}: both have been told by email`,
      };
    },
  });

  formPage(app, {
    path: paths.adminRotaSwap,
    get: false,
    authorise: manage,
    template: TEMPLATE,
    schema: swapForm,
    load,
    submit: async (req, input) => {
      await rota.swapSlots(db, req.actor, input);
      return { to: paths.adminRota, notice: 'Swapped the two months' };
    },
  });

  formPage(app, {
    path: paths.adminRotaDeadline,
    get: false,
    authorise: manage,
    template: TEMPLATE,
    schema: deadlineForm,
    load,
    submit: async (req, input) => {
      try {
        await rota.changeDeadline(db, req.actor, { month: input.deadlineMonth, deadline: input.deadline ?? '' });
      } catch (err) {
        // This form's month field is deadlineMonth (the booking form above has the other "month").
        if (!(err instanceof ValidationError)) throw err;
        throw new ValidationError(err.issues.map((i) => (i.field === 'month' ? { ...i, field: 'deadlineMonth' } : i)));
      }
      return { to: paths.adminRota, notice: 'Changed the deadline' };
    },
  });

  app.get(paths.adminRotaExport, async (req, reply) => sendCsv(reply, 'rota.csv', await rota.rotaCsv(db, req.actor)));

  actionRoute(app, {
    path: paths.adminIntroductionPlace.pattern,
    authorise: manage,
    submit: async (req) => {
      const editionId = await intro.placeIntroduction(db, req.actor, pathId(req.params.id));
      return { to: `${paths.adminEdition(editionId)}#introduction`, notice: 'Placed the introduction in the edition' };
    },
  });
}
