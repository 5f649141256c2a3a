/** A URL with path parameters: call it with the values to make a link, read `.pattern` to register the route. */
export interface Route {
  (...values: Array<number | string>): string;
  /** The route pattern, e.g. "/admin/people/:id". */
  readonly pattern: string;
}

/** Makes a Route from a pattern; values fill its :parameters in order, encoded for a path segment. */
export function route(pattern: string): Route {
  const fill = (...values: Array<number | string>) => {
    let i = 0;
    return pattern.replace(/:(\w+)/g, () => encodeURIComponent(String(values[i++])));
  };
  return Object.assign(fill, { pattern });
}

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
  adminPerson: route('/admin/people/:id'),
  adminPeopleImport: '/admin/people/import',
  adminPeopleExport: '/admin/people/export.csv',
  adminOrganisations: '/admin/organisations',
  adminOrganisationsNew: '/admin/organisations/new',
  adminOrganisation: route('/admin/organisations/:id'),
  adminOffices: '/admin/offices',
  adminOfficesConfirm: '/admin/offices/confirm',
  adminAudit: '/admin/audit',
  adminOutbox: '/admin/outbox',
  adminOutboxMessage: route('/admin/outbox/:id'),
  adminTokens: '/admin/tokens',
  adminTokenRevoke: route('/admin/tokens/:id/revoke'),
  updates: '/updates',
  update: route('/updates/:slug'),
  updateComments: route('/updates/:slug/comments'),
  feed: '/updates/feed.xml',
  search: '/search',
  attachment: route('/attachments/:id'),
  adminEditions: '/admin/editions',
  adminEditionsFromPrevious: '/admin/editions/from-previous',
  adminEdition: route('/admin/editions/:id'),
  adminEditionPreview: route('/admin/editions/:id/preview'),
  adminEditionAction: route('/admin/editions/:id/:action'),
  adminSectionAction: route('/admin/sections/:id/:action'),
  adminItem: route('/admin/items/:id'),
  adminItemAction: route('/admin/items/:id/:action'),
  adminComments: '/admin/comments',
  adminComment: route('/admin/comments/:id/:decision'),
  adminBulletinSettings: '/admin/bulletin-settings',
  // bulletin editor: one pattern per action
  adminEditionDetails: route('/admin/editions/:id/details'),
  adminEditionIntroduction: route('/admin/editions/:id/introduction'),
  adminEditionSections: route('/admin/editions/:id/sections'),
  adminEditionReview: route('/admin/editions/:id/review'),
  adminEditionDraft: route('/admin/editions/:id/draft'),
  adminEditionPublish: route('/admin/editions/:id/publish'),
  adminEditionUnpublish: route('/admin/editions/:id/unpublish'),
  adminEditionSchedule: route('/admin/editions/:id/schedule'),
  adminEditionDelete: route('/admin/editions/:id/delete'),
  adminSectionUpdate: route('/admin/sections/:id/update'),
  adminSectionUp: route('/admin/sections/:id/up'),
  adminSectionDown: route('/admin/sections/:id/down'),
  adminSectionDelete: route('/admin/sections/:id/delete'),
  adminSectionItems: route('/admin/sections/:id/items'),
  adminItemUp: route('/admin/items/:id/up'),
  adminItemDown: route('/admin/items/:id/down'),
  adminItemDelete: route('/admin/items/:id/delete'),
  adminItemMove: route('/admin/items/:id/move'),
  adminItemAttachments: route('/admin/items/:id/attachments'),
  adminAttachmentDelete: route('/admin/attachments/:id/delete'),
  introduction: route('/introduction/:token'),
  rotaMine: '/rota',
  rotaMineMonth: route('/rota/:month/introduction'),
  adminRota: '/admin/rota',
  adminRotaSwap: '/admin/rota/swap',
  adminRotaExport: '/admin/rota.csv',
  adminRotaDeadline: '/admin/rota/deadline',
  adminIntroductionPlace: route('/admin/introductions/:id/place'),
  adminRotaReplace: '/admin/rota/replace',
  adminJobs: '/admin/jobs',
  adminJobRetry: (id: number | string) => `/admin/jobs/${id}/retry`,
  subscribe: '/subscribe',
  subscribeCheck: '/subscribe/check-email',
  subscribeConfirm: route('/subscribe/confirm/:token'),
  unsubscribe: route('/unsubscribe/:token'),
  viewInBrowser: route('/updates/:slug'),
  adminLists: '/admin/lists',
  adminList: route('/admin/lists/:id'),
  adminListExport: route('/admin/lists/:id/subscribers.csv'),
  adminListDecision: route('/admin/lists/:listId/requests/:subscriberId/:decision'),
  adminEditionEmail: route('/admin/editions/:id/email'),
  adminEditionEmailPreview: route('/admin/editions/:id/email/preview'),
  adminSend: route('/admin/sends/:id'),
  adminSendAction: route('/admin/sends/:id/:action'),
  adminSendExport: route('/admin/sends/:id/deliveries.csv'),
  // mailing (h/mailing)
  adminEditionEmailTest: route('/admin/editions/:id/email/test'),
  adminEditionEmailConfirm: route('/admin/editions/:id/email/confirm'),
  adminEditionEmailSend: route('/admin/editions/:id/email/send'),
  adminSendProgress: route('/admin/sends/:id/progress.json'),
  adminSendPause: route('/admin/sends/:id/pause'),
  adminSendResume: route('/admin/sends/:id/resume'),
  adminSendCancel: route('/admin/sends/:id/cancel'),
  plan: '/plan',
  planProject: route('/plan/projects/:id'),
  planProjectOutcomes: route('/plan/projects/:id/outcomes'),
  planReport: '/plan/report',
  planReportCsv: '/plan/report.csv',
  adminPlan: '/admin/plan',
  adminPlanAction: route('/admin/plan/:action'),
  networks: '/networks',
  network: route('/networks/:id'),
  networkDocument: route('/networks/documents/:id'),
  networkDocumentComments: route('/networks/documents/:id/comments'),
  networkDocumentExport: route('/networks/documents/:id/comments.csv'),
  adminNetworks: '/admin/networks',
  adminNetworkAction: route('/admin/networks/:id/:action'),
  share: '/share',
  sharedPractice: '/sharing-practice',
  adminShares: '/admin/shares',
  adminShare: route('/admin/shares/:id'),
  adminShareAction: route('/admin/shares/:id/:action'),
  opportunities: '/opportunities',
  opportunity: route('/opportunities/:id'),
  opportunitySignups: route('/opportunities/:id/signups'),
  opportunitySignupsExport: route('/opportunities/:id/signups.csv'),
  adminOpportunities: '/admin/opportunities',
  events: '/events',
  eventsFeed: '/events/feed.ics',
  event: route('/events/:slug'),
  eventCalendar: route('/events/:slug/calendar.ics'),
  eventBook: route('/events/:slug/book'),
  eventBookFor: route('/events/:slug/book-for'),
  myBookings: '/account/bookings',
  myCalendarFeed: '/account/bookings/calendar-feed',
  myCalendarFeedStop: '/account/bookings/calendar-feed/stop',
  calendarFeed: route('/calendar/:token/events.ics'),
  booking: route('/bookings/:token'),
  bookingCancel: route('/bookings/:token/cancel'),
  bookingAccept: route('/bookings/:token/accept'),
  bookingDecline: route('/bookings/:token/decline'),
  bookingFeedback: route('/bookings/:token/feedback'),
  adminEvents: '/admin/events',
  adminEventNew: '/admin/events/new',
  adminEvent: route('/admin/events/:id'),
  adminEventEdit: route('/admin/events/:id/edit'),
  adminEventMoveUp: route('/admin/events/:id/move-up'),
  adminEventAction: route('/admin/events/:id/:action'),
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
