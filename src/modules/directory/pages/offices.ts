import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { formPage, type PageRequest } from '../../../platform/http/page.js';
import { paths, withQuery } from '../../../platform/http/paths.js';
import { authorise } from '../../../policy.js';
import { OFFICES, OFFICE_LABELS } from '../schema.js';
import * as directory from '../service.js';
import { officeInput, type OfficeFields } from '../validation.js';

const offices = OFFICES.map((o) => ({ value: o, text: OFFICE_LABELS[o] }));

/** The fields of an appointment carried from the form to its confirm step. */
function carried(v: OfficeFields) {
  return { office: v.office, personId: v.personId, portfolio: v.portfolio, startsOn: v.startsOn, seat: v.seat as number | undefined };
}

/** The network offices page (who holds what, appoint someone) and the confirm step for an office already held. */
export function officePages(app: FastifyInstance, { db }: AppContext): void {
  const manage = (req: PageRequest) => authorise(req.actor, 'directory.manage');

  formPage(app, {
    path: paths.adminOffices,
    authorise: manage,
    template: 'directory/views/offices.njk',
    schema: officeInput.omit({ confirmed: true, holderEndsOn: true }),
    load: async (req) => ({
      offices,
      current: await directory.officeHoldersOn(db),
      history: await directory.leadershipChanges(db),
      people: (await directory.searchPeople(db, req.actor, { limit: 5000, offset: 0 })).rows,
      officeLabels: OFFICE_LABELS,
    }),
    submit: async (req, input) => {
      const plan = await directory.planAppointment(db, req.actor, input);
      // An office (or seat) already held is never taken over on one click: the confirm step says who steps down.
      if (plan.stepsDown || plan.seatChoices) return withQuery(paths.adminOfficesConfirm, carried(input));
      await directory.appointToOffice(db, req.actor, input);
      return { to: paths.adminOffices, notice: `${plan.personName} is ${plan.officeLabel} from ${input.startsOn}` };
    },
  });

  formPage(app, {
    path: paths.adminOfficesConfirm,
    authorise: manage,
    template: 'directory/views/office-confirm.njk',
    schema: officeInput,
    fieldIds: { seat: 'seat' },
    load: async (req) => {
      const source = (req.method === 'POST' ? req.body : req.query) as OfficeFields;
      const plan = await directory.planAppointment(db, req.actor, { ...carried(source), seat: source.seat || undefined });
      return { plan, fields: carried(plan.input) };
    },
    values: (req) => ({ holderEndsOn: '', seat: (req.query as { seat?: string }).seat }),
    submit: async (req, input) => {
      const plan = await directory.planAppointment(db, req.actor, carried(input));
      await directory.appointToOffice(db, req.actor, { ...input, confirmed: 'yes' });
      const seat = input.seat ? ` (seat ${input.seat} of 2)` : '';
      const left = plan.stepsDown ? `; ${plan.stepsDown.personName} steps down on ${input.holderEndsOn ?? plan.stepsDown.endsOn}` : '';
      return { to: paths.adminOffices, notice: `${plan.personName} is ${OFFICE_LABELS[input.office]}${seat} from ${input.startsOn}${left}` };
    },
  });
}
