/** Access roles, from least to most trusted; "public" is anyone not signed in. */
export const ROLES = ['public', 'subscriber', 'member', 'director', 'editor', 'admin'] as const;
/** An access role. */
export type Role = (typeof ROLES)[number];
/** The roles an account or API token can be given. */
export const ACCOUNT_ROLES = ['subscriber', 'member', 'director', 'editor', 'admin'] as const;
/** An account's role. */
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Who is acting: a signed-in person, an API token, the command line, or the public. */
export interface Actor {
  kind: 'person' | 'token' | 'system' | 'public';
  id: number | null;
  label: string;
  role: Role;
  organisationId: number | null;
}

/** The anonymous reader. */
export const PUBLIC_ACTOR: Actor = { kind: 'public', id: null, label: 'public', role: 'public', organisationId: null };

/** Baton itself or an operator at the command line. */
export function systemActor(label = 'command line'): Actor {
  return { kind: 'system', id: null, label, role: 'admin', organisationId: null };
}

/** True when the role is at least the given one. */
export function atLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}
