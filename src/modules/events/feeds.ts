// Each person's private calendar feed: a secret address (only its hash kept) that a calendar app subscribes to.
import type { Actor } from '../../platform/actor.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError } from '../../platform/errors.js';
import { authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { personForAuth } from '../directory/service.js';
import * as repo from './repo.js';

async function personOf(actor: Actor): Promise<number> {
  authorise(actor, 'account.view');
  if (actor.kind !== 'person' || actor.id === null) throw new NotFoundError('Calendar feed');
  return actor.id;
}

/** When the signed-in person's calendar feed was made, or null when they have none. */
export async function calendarFeedSince(db: Db, actor: Actor): Promise<Date | null> {
  return (await repo.calendarFeedOf(db, await personOf(actor))) ?? null;
}

/** Makes the signed-in person a new calendar feed secret, which stops any earlier address; answers the secret (shown once). */
export async function newCalendarFeed(db: Db, actor: Actor): Promise<string> {
  const personId = await personOf(actor);
  const token = newToken('cal_');
  await inTransaction(db, async (tx) => {
    await repo.replaceCalendarFeed(tx, personId, hashToken(token));
    await recordAudit(tx, actor, {
      action: 'calendar-feed.create',
      entityType: 'person',
      entityId: personId,
      summary: 'Made a new calendar feed address (any earlier one stopped)',
    });
  });
  return token;
}

/** Stops the signed-in person's calendar feed: its address answers nothing from now on. */
export async function stopCalendarFeed(db: Db, actor: Actor): Promise<boolean> {
  const personId = await personOf(actor);
  return inTransaction(db, async (tx) => {
    const had = await repo.deleteCalendarFeed(tx, personId);
    if (had)
      await recordAudit(tx, actor, {
        action: 'calendar-feed.stop',
        entityType: 'person',
        entityId: personId,
        summary: 'Stopped the calendar feed',
      });
    return had;
  });
}

/** The confirmed places on published events of the person whose feed secret this is; NotFoundError for any other secret. */
export async function placesForFeed(db: Db, token: string): Promise<Array<{ booking: repo.BookingRow; event: repo.EventRow }>> {
  const personId = token.length <= 200 ? await repo.personOfCalendarFeed(db, hashToken(token)) : undefined;
  const person = personId === undefined ? undefined : await personForAuth(db, personId);
  if (!person) throw new NotFoundError('Calendar feed');
  return (await repo.bookingsOfEmail(db, person.email)).filter(
    ({ booking, event }) => booking.status === 'confirmed' && event.status === 'published',
  );
}
