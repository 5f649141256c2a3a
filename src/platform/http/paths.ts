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
  updates: '/updates',
  update: (slug: string) => `/updates/${slug}`,
  updateComments: (slug: string) => `/updates/${slug}/comments`,
  feed: '/updates/feed.xml',
  search: '/search',
  attachment: (id: number | string) => `/attachments/${id}`,
  adminEditions: '/admin/editions',
  adminEditionsFromPrevious: '/admin/editions/from-previous',
  adminEdition: (id: number | string) => `/admin/editions/${id}`,
  adminEditionPreview: (id: number | string) => `/admin/editions/${id}/preview`,
  adminEditionAction: (id: number | string, action: string) => `/admin/editions/${id}/${action}`,
  adminSectionAction: (id: number | string, action: string) => `/admin/sections/${id}/${action}`,
  adminItem: (id: number | string) => `/admin/items/${id}`,
  adminItemAction: (id: number | string, action: string) => `/admin/items/${id}/${action}`,
  adminComments: '/admin/comments',
  adminComment: (id: number | string, decision: string) => `/admin/comments/${id}/${decision}`,
  adminBulletinSettings: '/admin/bulletin-settings',
  introduction: (token: string) => `/introduction/${token}`,
  rotaMine: '/rota',
  rotaMineMonth: (month: string) => `/rota/${month}/introduction`,
  adminRota: '/admin/rota',
  adminRotaSwap: '/admin/rota/swap',
  adminRotaExport: '/admin/rota.csv',
  adminRotaDeadline: '/admin/rota/deadline',
  adminIntroductionPlace: (id: number | string) => `/admin/introductions/${id}/place`,
  adminJobs: '/admin/jobs',
  adminJobRetry: (id: number | string) => `/admin/jobs/${id}/retry`,
  subscribe: '/subscribe',
  subscribeCheck: '/subscribe/check-email',
  subscribeConfirm: (token: string) => `/subscribe/confirm/${token}`,
  unsubscribe: (token: string) => `/unsubscribe/${token}`,
  viewInBrowser: (slug: string) => `/updates/${slug}`,
  adminLists: '/admin/lists',
  adminList: (id: number | string) => `/admin/lists/${id}`,
  adminListExport: (id: number | string) => `/admin/lists/${id}/subscribers.csv`,
  adminListDecision: (listId: number | string, subscriberId: number | string, decision: string) =>
    `/admin/lists/${listId}/requests/${subscriberId}/${decision}`,
  adminEditionEmail: (id: number | string) => `/admin/editions/${id}/email`,
  adminEditionEmailPreview: (id: number | string) => `/admin/editions/${id}/email/preview`,
  adminSend: (id: number | string) => `/admin/sends/${id}`,
  adminSendAction: (id: number | string, action: string) => `/admin/sends/${id}/${action}`,
  adminSendExport: (id: number | string) => `/admin/sends/${id}/deliveries.csv`,
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

// A stand-in origin: `next` must resolve to it, whatever the real base URL is.
const LOCAL_ORIGIN = 'http://baton.invalid';

/** A local path safe to redirect to after sign-in: parsed by the WHATWG URL parser, same origin only, re-serialised so no control character reaches a Location header. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000 || !/^\/(?![/\\])/.test(next)) return paths.home;
  let url: URL;
  try {
    url = new URL(next, LOCAL_ORIGIN);
  } catch {
    return paths.home;
  }
  // The parser drops tabs and newlines and resolves dot segments, so check what it made of the input, not the input.
  if (url.origin !== LOCAL_ORIGIN || !/^\/(?![/\\])/.test(url.pathname)) return paths.home;
  return url.pathname + url.search + url.hash;
}
