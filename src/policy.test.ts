import { describe, expect, it } from 'vitest';
import { ACCOUNT_ROLES, ROLES, type Actor, type Role } from './platform/actor.js';
import { RULES, can, type Action } from './policy.js';

const actor = (role: Role, organisationId: number | null = 1): Actor => ({
  kind: role === 'public' ? 'public' : 'person',
  id: 1,
  label: role,
  role,
  organisationId,
});

// The whole matrix, written out: a change to any rule shows here as a diff a reviewer can read.
const EXPECTED: Record<Action, Role[]> = {
  'account.view': ['subscriber', 'member', 'director', 'editor', 'admin'],
  'directory.view': ['member', 'director', 'editor', 'admin'],
  'directory.manage': ['editor', 'admin'],
  'person.edit': ['director', 'editor', 'admin'],
  'person.changeEmail': ['director', 'editor', 'admin'],
  'person.setAccessRole': ['admin'],
  'person.exportData': ['admin'],
  'admin.view': ['editor', 'admin'],
  'audit.view': ['admin'],
  'outbox.view': ['admin'],
  'tokens.manage': ['admin'],
  'jobs.view': ['admin'],
  'jobs.retry': ['admin'],
  'bulletin.edit': ['editor', 'admin'],
  'bulletin.publish': ['editor', 'admin'],
  'comment.create': ['member', 'director', 'editor', 'admin'],
  'comment.moderate': ['editor', 'admin'],
  'rota.manage': ['editor', 'admin'],
  'mailing.manage': ['editor', 'admin'],
  'mailing.send': ['editor', 'admin'],
  'rota.viewOwn': ['director', 'editor', 'admin'],
  'plan.view': ['public', 'subscriber', 'member', 'director', 'editor', 'admin'],
  'plan.viewDetail': ['member', 'director', 'editor', 'admin'],
  'plan.manage': ['editor', 'admin'],
  'project.update': ['editor', 'admin'],
  'network.view': ['member', 'director', 'editor', 'admin'],
  'network.manage': ['editor', 'admin'],
  'network.lead': ['editor', 'admin'],
  'network.comment': ['member', 'director', 'editor', 'admin'],
  'share.submit': ['member', 'director', 'editor', 'admin'],
  'share.review': ['editor', 'admin'],
  'opportunity.view': ['public', 'subscriber', 'member', 'director', 'editor', 'admin'],
  'opportunity.manage': ['editor', 'admin'],
  'opportunity.signup': ['director', 'editor', 'admin'],
  'events.view': ['public', 'subscriber', 'member', 'director', 'editor', 'admin'],
  'events.manage': ['editor', 'admin'],
  'events.book': ['subscriber', 'member', 'director', 'editor', 'admin'],
  'events.bookFor': ['director', 'editor', 'admin'],
};

describe('policy', () => {
  it('covers every action in the expected matrix', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const action of Object.keys(EXPECTED) as Action[]) {
    for (const role of ROLES) {
      const allowed = EXPECTED[action].includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action} (within their own organisation)`, () => {
        expect(can(actor(role), action, { organisationId: 1, accessRole: 'member' })).toBe(allowed);
      });
    }
  }

  it('lets a director act for their own organisation only', () => {
    expect(can(actor('director', 1), 'person.edit', { organisationId: 1, accessRole: 'member' })).toBe(true);
    expect(can(actor('director', 1), 'person.edit', { organisationId: 2, accessRole: 'member' })).toBe(false);
    expect(can(actor('director', 1), 'person.edit', { organisationId: null, accessRole: 'member' })).toBe(false);
    expect(can(actor('director', null), 'person.edit', { organisationId: null, accessRole: 'member' })).toBe(false);
    expect(can(actor('editor', 1), 'person.edit', { organisationId: 2, accessRole: 'admin' })).toBe(true);
  });

  // Who may edit, or change the email address of, a person of their own organisation, by that person's access role.
  const BY_TARGET: Record<'person.edit' | 'person.changeEmail', Partial<Record<Role, Role[]>>> = {
    'person.edit': {
      director: ['subscriber', 'member'],
      editor: ['subscriber', 'member', 'director', 'editor', 'admin'],
      admin: ['subscriber', 'member', 'director', 'editor', 'admin'],
    },
    'person.changeEmail': {
      director: ['subscriber', 'member'],
      editor: ['subscriber', 'member', 'director'],
      admin: ['subscriber', 'member', 'director', 'editor', 'admin'],
    },
  };
  for (const action of ['person.edit', 'person.changeEmail'] as const) {
    for (const role of ROLES) {
      for (const target of ACCOUNT_ROLES) {
        const allowed = (BY_TARGET[action][role] ?? []).includes(target);
        it(`${role} ${allowed ? 'may' : 'may not'} ${action} a ${target} of their own organisation`, () => {
          expect(can(actor(role), action, { organisationId: 1, accessRole: target })).toBe(allowed);
        });
      }
    }
    it(`refuses ${action} to a director when the target's access role is unknown`, () => {
      expect(can(actor('director'), action, { organisationId: 1 })).toBe(false);
      expect(can(actor('director'), action, { organisationId: 1, accessRole: null })).toBe(false);
    });
  }
});
