// Who may book an event: the lists and organisations it is limited to, and the colleagues a director may book.
import type { Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db/client.js';
import { can } from '../../policy.js';
import { listAllOrganisations, searchPeople } from '../directory/service.js';
import { publicListNamesOf, memberOfAnyList } from '../mailing/subscriptions.js';
import * as repo from './repo.js';

/**
 * Why a person may not book an event limited to named mailing lists or organisations, or null when they may; editors
 * book anyone. Invitation-only events are refused earlier, for everyone but editors.
 */
export async function notEligible(
  db: Db,
  actor: Actor,
  event: repo.EventRow,
  who: { email: string; organisationId: number | null },
): Promise<string | null> {
  if (can(actor, 'events.manage')) return null;
  if (event.whoMayBook === 'invitation') return 'This event is by invitation only';
  if (event.whoMayBook === 'lists' && !(await memberOfAnyList(db, who.email, event.bookingLists))) {
    return 'This event is for members of particular mailing lists, and this person is not on them';
  }
  if (event.whoMayBook === 'organisations' && (who.organisationId === null || !event.bookingOrganisations.includes(who.organisationId))) {
    return 'This event is for people of particular organisations, and this person is not one of them';
  }
  return null;
}

/** Who may book an event, in words for its page (null when anyone signed in may). */
export async function whoMayBookText(db: Db, event: repo.EventRow): Promise<string | null> {
  if (event.whoMayBook === 'invitation') return 'By invitation only';
  if (event.whoMayBook === 'lists') {
    // Private lists are not named to the public: the page then speaks of the lists without naming them.
    const named = await publicListNamesOf(db, event.bookingLists);
    return named.length === event.bookingLists.length ? `Members of ${joinNames(named)}` : 'Members of certain mailing lists';
  }
  if (event.whoMayBook === 'organisations') {
    const names = new Map((await listAllOrganisations(db)).map((o) => [o.id, o.name]));
    return `People of ${joinNames(event.bookingOrganisations.flatMap((id) => (names.has(id) ? [names.get(id)!] : [])))}`;
  }
  return null;
}

const joinNames = (names: string[]) =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'the named few');

/**
 * The people of the actor's own organisation they may book onto an event (a director for their council or trust),
 * with whether each already has a live booking; empty for anyone else.
 */
export async function colleaguesToBook(
  db: Db,
  actor: Actor,
  eventId: number,
): Promise<Array<{ email: string; name: string; booked: boolean }>> {
  if (actor.kind !== 'person' || actor.organisationId === null || can(actor, 'events.manage')) return [];
  if (!can(actor, 'events.bookFor', { organisationId: actor.organisationId })) return [];
  const { rows } = await searchPeople(db, actor, { organisationId: actor.organisationId, limit: 500, offset: 0 });
  const live = new Set((await repo.bookingsOf(db, eventId, repo.LIVE)).map((b) => b.email.toLowerCase()));
  return rows.filter((p) => p.id !== actor.id).map((p) => ({ email: p.email, name: p.name, booked: live.has(p.email.toLowerCase()) }));
}
