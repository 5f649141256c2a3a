import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/http/context.js';
import { ValidationError } from '../../../platform/errors.js';
import { formErrors } from '../../../platform/http/forms.js';
import { actionRoute, redirectDone, viewPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import { JOB_ROLES, JOB_ROLE_LABELS } from '../../directory/schema.js';
import { listMemberOrganisations } from '../../directory/service.js';
import { emailEditionSummary } from '../../bulletin/read-model.js';
import * as sends from '../sends.js';
import * as subs from '../subscriptions.js';

const EMAIL = 'mailing/views/admin-email.njk';
const CONFIRM = 'mailing/views/admin-send-confirm.njk';
const roles = JOB_ROLES.map((r) => ({ value: r, text: JOB_ROLE_LABELS[r] }));
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : v ? [v] : []));

/** The send form as the browser submits it (query on the confirm step, body on the send). */
const one = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v));
const sendForm = z.object({ list: one, roles: many, organisations: many, scheduledAt: one, repeat: one });
type SendForm = z.output<typeof sendForm>;
const readForm = (raw: unknown): SendForm => sendForm.safeParse(raw ?? {}).data ?? { roles: [], organisations: [] } as unknown as SendForm;

/** The form's fields as the mailing service's typed input. */
function toInput(f: SendForm): sends.SendInput {
  return {
    list: Number(f.list) || f.list || '',
    segment: { roles: f.roles, organisations: f.organisations },
    scheduledAt: f.scheduledAt || null,
    repeat: (f.repeat || undefined) as sends.SendInput['repeat'],
  };
}

/** The editors' email pages of an edition: the send form, its confirm step, the send itself, a test and the preview. */
export function emailPages(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const site = { baseUrl: ctx.config.baseUrl, networkName: ctx.config.networkName };
  const send = (req: { actor: Parameters<typeof authorise>[0] }) => authorise(req.actor, 'mailing.send');
  const edition = async (req: PageRequest) => emailEditionSummary(db, req.actor, pathId(req.params.id));

  const emailData = async (req: PageRequest, e: Awaited<ReturnType<typeof edition>>) => {
    const [lists, history, orgs] = await Promise.all([
      subs.allLists(db, req.actor),
      sends.sendsOfEdition(db, req.actor, e.id),
      listMemberOrganisations(db),
    ]);
    return { e, lists, history, roles, organisations: orgs.map((o) => o.name) };
  };
  /** Re-shows the send form with what was typed and the problems, in words. */
  const formAgain = async (req: PageRequest, reply: FastifyReply, form: SendForm, err: ValidationError) =>
    reply.code(400).page(EMAIL, { ...(await emailData(req, await edition(req))), values: form, errors: formErrors(err.issues) });
  /** The confirm step: the list, the edition, how many people, and (when sending again) who it goes to. */
  const confirmPage = async (reply: FastifyReply, plan: sends.SendPlan, form: SendForm, err?: ValidationError) =>
    reply.code(err ? 400 : 200).page(CONFIRM, {
      plan,
      values: { ...form, repeat: form.repeat || 'missing' },
      errors: err ? formErrors(err.issues) : undefined,
    });

  viewPage(app, {
    path: paths.adminEditionEmail.pattern,
    resource: edition,
    authorise: send,
    template: EMAIL,
    load: async (req, e) => ({ ...(await emailData(req, e)), values: {} }),
  });

  // GET: it only checks and shows; the button on it POSTs the send.
  app.get(paths.adminEditionEmailConfirm.pattern, async (request, reply) => {
    const req = request as PageRequest;
    send(req);
    const form = readForm(req.query);
    try {
      return await confirmPage(reply, await sends.planSend(db, req.actor, pathId(req.params.id), toInput(form)), form);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return formAgain(req, reply, form, err);
    }
  });

  app.post(paths.adminEditionEmailSend.pattern, async (request, reply) => {
    const req = request as PageRequest;
    send(req);
    const id = pathId(req.params.id);
    const form = readForm(req.body);
    try {
      const created = await sends.createSend(db, req.actor, id, toInput(form));
      return redirectDone(reply, { to: paths.adminSend(created.id), notice: created.scheduledAt ? 'The send is scheduled' : 'The send has started' });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Someone else sent it meanwhile: ask again on the confirm step, which now says who already has it.
      if (err.issues.some((i) => i.field === 'repeat')) return confirmPage(reply, await sends.planSend(db, req.actor, id, toInput(form)), form, err);
      return formAgain(req, reply, form, err);
    }
  });

  actionRoute(app, {
    path: paths.adminEditionEmailTest.pattern,
    authorise: send,
    submit: async (req) => {
      const to = await sends.sendTest(db, req.actor, pathId(req.params.id), ctx.mailer, site);
      return { to: paths.adminEditionEmail(req.params.id!), notice: `A test has been sent to ${to}` };
    },
  });

  app.get(paths.adminEditionEmailPreview.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const preview = await sends.emailPreview(db, req.actor, pathId(req.params.id), site);
    // The email's own inline styles need this one page to allow them; it runs no script.
    return reply
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'")
      .type('text/html; charset=utf-8')
      .send(preview.html);
  });
}
