import { atLeast, type Actor, type Role } from './platform/actor.js';
import { ForbiddenError } from './platform/errors.js';

/** What an action may concern: the organisation it belongs to, and for a person their access role, when that matters. */
export interface Resource {
  organisationId?: number | null;
  accessRole?: Role | null;
  /** The person who leads it (a workstream's lead for its projects, a network's chair for its documents). */
  leadPersonId?: number | null;
}

const sameOrg = (a: Actor, r?: Resource) => a.organisationId != null && r?.organisationId === a.organisationId;
// A target with no known access role counts as the most trusted, so a missing field never grants anything.
const targetBelow = (r: Resource | undefined, role: Role) => r?.accessRole != null && !atLeast(r.accessRole, role);
// A director acts for their own organisation's people, and only those with no more access than a member.
// The person named as the thing's lead, signed in as themselves with at least a member's access.
const leads = (a: Actor, r?: Resource) => a.kind === 'person' && a.id != null && r?.leadPersonId === a.id && atLeast(a.role, 'member');
const directorsOwn = (a: Actor, r?: Resource) => a.role === 'director' && sameOrg(a, r) && targetBelow(r, 'director');

/** Every permission in Baton, one line each: who may do what. */
export const RULES = {
  'account.view': (a: Actor) => atLeast(a.role, 'subscriber'),
  'directory.view': (a: Actor) => atLeast(a.role, 'member'),
  'directory.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'person.edit': (a: Actor, r?: Resource) => atLeast(a.role, 'editor') || directorsOwn(a, r),
  // An address is the key to an account: changing it is signing in as its holder, so only for holders with less access.
  'person.changeEmail': (a: Actor, r?: Resource) =>
    atLeast(a.role, 'admin') || (a.role === 'editor' && targetBelow(r, 'editor')) || directorsOwn(a, r),
  'person.setAccessRole': (a: Actor) => atLeast(a.role, 'admin'),
  'person.exportData': (a: Actor) => atLeast(a.role, 'admin'),
  'admin.view': (a: Actor) => atLeast(a.role, 'editor'),
  'audit.view': (a: Actor) => atLeast(a.role, 'admin'),
  'outbox.view': (a: Actor) => atLeast(a.role, 'admin'),
  'tokens.manage': (a: Actor) => atLeast(a.role, 'admin'),
  'jobs.view': (a: Actor) => atLeast(a.role, 'admin'),
  'jobs.retry': (a: Actor) => atLeast(a.role, 'admin'),
  'bulletin.edit': (a: Actor) => atLeast(a.role, 'editor'),
  'bulletin.publish': (a: Actor) => atLeast(a.role, 'editor'),
  'comment.create': (a: Actor) => atLeast(a.role, 'member'),
  'comment.moderate': (a: Actor) => atLeast(a.role, 'editor'),
  'rota.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'mailing.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'mailing.send': (a: Actor) => atLeast(a.role, 'editor'),
  'rota.viewOwn': (a: Actor) => atLeast(a.role, 'director'),
  // The network's work: the plan, networks, "Anything to Share", opportunities.
  'plan.view': () => true,
  'plan.viewDetail': (a: Actor) => atLeast(a.role, 'member'),
  'plan.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'project.update': (a: Actor, r?: Resource) => atLeast(a.role, 'editor') || leads(a, r),
  'network.view': (a: Actor) => atLeast(a.role, 'member'),
  'network.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'network.lead': (a: Actor, r?: Resource) => atLeast(a.role, 'editor') || leads(a, r),
  'network.comment': (a: Actor) => atLeast(a.role, 'member'),
  'share.submit': (a: Actor) => atLeast(a.role, 'member'),
  'share.review': (a: Actor) => atLeast(a.role, 'editor'),
  'opportunity.view': () => true,
  'opportunity.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'opportunity.signup': (a: Actor, r?: Resource) => atLeast(a.role, 'editor') || (atLeast(a.role, 'director') && sameOrg(a, r)),
  'events.view': () => true, // published events, their feed and calendar files; drafts only through events.manage
  'events.manage': (a: Actor) => atLeast(a.role, 'editor'),
  'events.book': (a: Actor) => atLeast(a.role, 'subscriber'),
  // An organisation's contact (a director) books for colleagues of their own organisation; editors for anyone.
  'events.bookFor': (a: Actor, r?: Resource) => atLeast(a.role, 'editor') || (a.role === 'director' && sameOrg(a, r)),
} satisfies Record<string, (a: Actor, r?: Resource) => boolean>;

/** A named permission. */
export type Action = keyof typeof RULES;

/** True when the name is a permission the policy knows (templates name actions as strings). */
export function isAction(name: string): name is Action {
  return Object.hasOwn(RULES, name);
}

/** Decides whether the actor may take the action on the resource. */
export function can(actor: Actor, action: Action, resource?: Resource): boolean {
  return RULES[action](actor, resource);
}

/** Throws ForbiddenError unless the actor may take the action. */
export function authorise(actor: Actor, action: Action, resource?: Resource): void {
  if (!can(actor, action, resource)) throw new ForbiddenError(action);
}
