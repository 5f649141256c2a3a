import { z } from 'zod';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { paths } from '../../platform/http/paths.js';
import { recordAudit } from '../audit/service.js';
import { authorise } from '../../policy.js';
import { hashToken } from '../auth/tokens.js';
import { monthLabel, placeIntroduction as placeInEdition } from '../bulletin/service.js';
import { editorsForNotices, personForAuth } from '../directory/service.js';
import { monthField } from '../bulletin/validation.js';
import { defaultDeadline, monthStart } from './dates.js';
import { cleanString } from '../../platform/validation.js';
import * as repo from './repo.js';

/** What the introduction form shows: whose it is, for which month, and the last text sent. */
export interface IntroductionForm {
  month: string;
  label: string;
  deadline: string;
  personId: number;
  authorName: string;
  organisationName: string | null;
  body: string;
  submittedAt: Date | null;
}

async function formFor(db: Db, month: string, personId: number): Promise<IntroductionForm> {
  const slot = await repo.slotFor(db, monthStart(month));
  const person = await personForAuth(db, personId);
  if (!slot || !person || slot.personId !== personId) throw new NotFoundError('Introduction');
  const latest = await repo.latestIntroduction(db, monthStart(month));
  return {
    month,
    label: monthLabel(month),
    deadline: slot.deadline ?? defaultDeadline(month),
    personId,
    authorName: person.name,
    organisationName: person.organisationName,
    body: latest?.body ?? '',
    submittedAt: latest?.createdAt ?? null,
  };
}

/** The form behind a personal link, or null when the link is unknown, expired or no longer this person's month. */
export async function formForLink(db: Db, token: string, now = new Date()): Promise<IntroductionForm | null> {
  const link = await repo.liveLink(db, hashToken(token), now);
  if (!link) return null;
  try {
    return await formFor(db, link.month.slice(0, 7), link.personId);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** The form for a signed-in director's own month. */
export async function formForActor(db: Db, actor: Actor, month: string): Promise<IntroductionForm> {
  authorise(actor, 'rota.viewOwn');
  parseOrThrow(monthField, month);
  if (actor.id == null) throw new NotFoundError('Introduction');
  return formFor(db, month, actor.id);
}

const bodyInput = z.object({
  body: cleanString({ multiline: true, message: 'Write the introduction' })
    .trim()
    .min(1, 'Write the introduction')
    .max(50_000, 'The introduction is too long'),
});

/** Stores a submitted introduction and tells the editors it has arrived. */
export async function submitIntroduction(
  db: Db,
  mailer: Mailer,
  opts: { form: IntroductionForm; body: unknown; submittedBy: string; baseUrl: string; networkName: string },
): Promise<void> {
  const { body } = parseOrThrow(bodyInput, { body: opts.body });
  const f = opts.form;
  await inTransaction(db, async (tx) => {
    const id = await repo.insertIntroduction(tx, {
      month: monthStart(f.month),
      personId: f.personId,
      authorName: f.authorName,
      organisationName: f.organisationName,
      body,
      submittedBy: opts.submittedBy,
    });
    await recordAudit(
      tx,
      { kind: 'person', id: f.personId, label: opts.submittedBy, role: 'director', organisationId: null },
      {
        action: 'introduction.submit',
        entityType: 'introduction',
        entityId: id,
        summary: `Introduction for ${f.label} sent in by ${opts.submittedBy}`,
      },
    );
    for (const editor of await editorsForNotices(tx)) {
      const { text, html } = renderSimpleEmail({
        heading: `Introduction received for ${f.label}`,
        paragraphs: [`${f.authorName}${f.organisationName ? ` (${f.organisationName})` : ''} has sent in the introduction for ${f.label}.`],
        action: { label: 'Place it in the edition', url: `${opts.baseUrl}${paths.adminRota}` },
        footer: opts.networkName,
      });
      await mailer.queue(tx, { to: editor.email, subject: `Introduction received: ${f.label}`, text, html });
    }
  });
  mailer.kick();
}

/** Introductions waiting to be placed in their edition; async, so a refusal is a rejection and never a synchronous throw. */
export async function waitingIntroductions(db: Db, actor: Actor) {
  authorise(actor, 'rota.manage');
  return repo.waitingIntroductions(db);
}

/** Places a submitted introduction in its month's edition (starting it if needed) and returns the edition's id. */
export async function placeIntroduction(db: Db, actor: Actor, id: number): Promise<number> {
  authorise(actor, 'rota.manage');
  const intro = await repo.getIntroduction(db, id);
  if (!intro) throw new NotFoundError('Introduction');
  if (intro.status === 'placed')
    throw new ValidationError([{ field: 'introduction', message: 'This introduction is already in its edition' }]);
  const editionId = await placeInEdition(db, actor, {
    month: intro.month.slice(0, 7),
    author: intro.authorName,
    organisation: intro.organisationName,
    personId: intro.personId,
    body: intro.body,
  });
  await inTransaction(db, async (tx) => {
    await repo.markPlaced(tx, id);
    await recordAudit(tx, actor, {
      action: 'introduction.place',
      entityType: 'introduction',
      entityId: id,
      summary: `Placed the introduction for ${monthLabel(intro.month.slice(0, 7))} in its edition`,
    });
  });
  return editionId;
}
