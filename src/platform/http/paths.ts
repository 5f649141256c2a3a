/** Every URL in Baton, in one place: routes register these and templates and redirects use them. */
export const paths = {
  home: '/',
  health: '/healthz',
  assets: '/assets/',
  signIn: '/sign-in',
  signInCheckEmail: '/sign-in/check-email',
  signInConfirm: '/sign-in/confirm',
  signInCode: '/sign-in/code',
  signOut: '/sign-out',
  signOutEverywhere: '/account/sign-out-everywhere',
  account: '/account',
  directory: '/directory',
  admin: '/admin',
  adminPeople: '/admin/people',
  adminPeopleNew: '/admin/people/new',
  adminPerson: (id: number | string) => `/admin/people/${id}`,
  adminPeopleImport: '/admin/people/import',
  adminPeopleExport: '/admin/people/export.csv',
  adminOrganisations: '/admin/organisations',
  adminOrganisationsNew: '/admin/organisations/new',
  adminOrganisation: (id: number | string) => `/admin/organisations/${id}`,
  adminOffices: '/admin/offices',
  adminAudit: '/admin/audit',
  adminOutbox: '/admin/outbox',
  adminOutboxMessage: (id: number | string) => `/admin/outbox/${id}`,
  adminTokens: '/admin/tokens',
  adminTokenRevoke: (id: number | string) => `/admin/tokens/${id}/revoke`,
  api: '/api/v1',
  openapi: '/api/openapi.json',
} as const;

/** Adds query parameters to a path, leaving out empty ones. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A local path safe to redirect to after sign-in (never another site). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : paths.home;
}
