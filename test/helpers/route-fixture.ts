import { desc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { systemActor } from '../../src/platform/actor.js';
import { mailMessages } from '../../src/platform/mail/schema.js';
import { jobs } from '../../src/platform/jobs/schema.js';
import type { Mailer } from '../../src/platform/mail/mailer.js';
import { actorForSession, createApiToken, revokeApiToken, signOut } from '../../src/modules/auth/service.js';
import * as bulletin from '../../src/modules/bulletin/service.js';
import * as content from '../../src/modules/bulletin/content.js';
import { addComment, pendingComments } from '../../src/modules/bulletin/public.js';
import { listSubscribers } from '../../src/modules/mailing/repo.js';
import { createSend } from '../../src/modules/mailing/sends.js';
import { upsertSubscribers } from '../../src/modules/mailing/subscriptions.js';
import { assignSlot } from '../../src/modules/rota/service.js';
import * as intro from '../../src/modules/rota/intro.js';
import { book } from '../../src/modules/events/bookings.js';
import { createEvent, publishEvent } from '../../src/modules/events/service.js';
import { createCapacity } from '../../src/platform/capacity/index.js';
import type { TestDatabase } from './db.js';
import { TestClient, addPerson } from './app.js';

type Db = TestDatabase['db'];

/** Who the route × role test calls as: nobody, a signed-out (revoked) session, and each access role. */
export const CALLERS = ['none', 'revoked', 'subscriber', 'member', 'director', 'editor', 'admin'] as const;
/** One of CALLERS. */
export type CallerName = (typeof CALLERS)[number];

/** A caller's credentials: a browser session (cookies and form token) and an API bearer header. */
export interface Caller {
  name: CallerName;
  client: TestClient;
  api: Record<string, string>;
  /** The revoked caller's dead session cookie, sent again on every request (the server asks the browser to drop it). */
  deadSession?: string;
}

/** The organisation of the people the sweep edits; the director belongs to another one. */
export const HOME_ORG = 'Routes Home Council';
const OTHER_ORG = 'Routes Other Council';
/** The month whose introduction the fixture director writes. */
export const DIRECTOR_MONTH = '2031-05';

/** Signs in one person of each role (the director of another organisation than the people edited) and makes their API tokens. */
export async function makeCallers(app: FastifyInstance, db: Db, mailer: Mailer): Promise<{ callers: Caller[]; shared: Shared }> {
  const target = await addPerson(db, { email: 'target@example.org', org: HOME_ORG, accessRole: 'member', role: 'other' });
  await addPerson(db, { email: 'other-org@example.org', org: OTHER_ORG, accessRole: 'member', role: 'other' });
  const callers: Caller[] = [];
  for (const name of CALLERS) {
    const client = new TestClient(app, db);
    let api: Record<string, string> = {};
    let deadSession: string | undefined;
    if (name === 'none') {
      await client.get('/sign-in'); // a form token, so POSTs reach their handlers
    } else {
      // The revoked caller was an admin: a dead session must not keep any of its power.
      const role = name === 'revoked' ? 'admin' : name;
      const email = `${name}@example.org`;
      await addPerson(db, { email, accessRole: role, org: name === 'director' ? OTHER_ORG : undefined, role: 'director' });
      await client.signIn(email);
      const token = await createApiToken(db, systemActor(), { name: `routes ${name}`, role });
      api = { authorization: `Bearer ${token.token}` };
      if (name === 'revoked') {
        deadSession = client.cookies.get('baton_session')!;
        await signOut(db, deadSession);
        await revokeApiToken(db, systemActor(), token.id);
      }
    }
    callers.push({ name, client, api, deadSession });
  }
  const director = callers.find((c) => c.name === 'director')!;
  const directorActor = (await actorForSession(db, director.client.cookies.get('baton_session')!))!;
  await assignSlot(db, systemActor(), { month: DIRECTOR_MONTH, person: 'director@example.org' });
  const form = await intro.formForActor(db, directorActor, DIRECTOR_MONTH);
  await intro.submitIntroduction(db, mailer, {
    form,
    body: 'Best wishes',
    submittedBy: 'test',
    baseUrl: 'http://localhost:3000',
    networkName: 'Test network',
  });
  const [waiting] = await intro.waitingIntroductions(db, systemActor());
  return { callers, shared: { personId: target.id, organisationId: target.organisationId!, introductionId: waiting!.id, mailer } };
}

/** Rows every sweep shares: the person and organisation edited, and a submitted introduction. */
export type Shared = Pick<Targets, 'personId' | 'organisationId' | 'introductionId'> & { mailer: Mailer };

/** The rows a sweep's routes act on, so that each path parameter names something real. */
export interface Targets {
  personId: number;
  organisationId: number;
  messageId: number;
  tokenId: number;
  editionId: number;
  sectionId: number;
  itemId: number;
  sendId: number;
  introductionId: number;
  commentId: number;
  listId: number;
  listName: string;
  subscriberId: number;
  attachmentId: number;
  slug: string;
  /** A dead job, for the retry action. */
  jobId: number;
  /** A published event with one confirmed booking (the target person's). */
  eventId: number;
  /** That event's slug. */
  eventSlug: string;
  /** The target person's booking on that event. */
  bookingId: number;
}

/** Fresh rows for one caller's sweep (its POSTs may delete or change them), around the shared people. */
export async function makeTargets(db: Db, n: number, shared: Shared): Promise<Targets> {
  const sys = systemActor('routes test');
  const sections = [
    {
      heading: 'News',
      items: [
        { heading: 'One', body: 'First' },
        { heading: 'Two', body: 'Second' },
      ],
    },
  ];
  const draft = await bulletin.createEdition(db, sys, { title: `Draft ${n}`, month: `2040-${String(n + 1).padStart(2, '0')}`, sections });
  const published = await bulletin.createEdition(db, sys, {
    title: `Published ${n}`,
    month: `2041-${String(n + 1).padStart(2, '0')}`,
    sections,
  });
  await bulletin.transition(db, sys, published.id, 'publish');
  const tree = await bulletin.editionForEditor(db, sys, draft.id);
  const section = tree.sections[0]!;
  const pubTree = await bulletin.editionForEditor(db, sys, published.id);
  const attachmentId = await content.attachFile(db, sys, pubTree.sections[0]!.items[0]!.id, {
    filename: 'flyer.pdf',
    contentType: 'application/pdf',
    data: Buffer.from('%PDF-1.4\n'),
  });
  const listName = `Routes list ${n}`;
  await upsertSubscribers(db, sys, { lists: [listName], subscribers: [{ email: `reader${n}@example.org`, name: 'Reader' }] });
  const send = await createSend(db, sys, published.id, { list: listName });
  const listId = send.listId;
  const subscriber = (await listSubscribers(db, listId, { limit: 1, offset: 0 })).rows[0]!;
  await addComment(db, sys, published.slug, { body: `Comment ${n}` });
  const comments = await pendingComments(db, sys);
  const token = await createApiToken(db, sys, { name: `target ${n}`, role: 'subscriber' });
  const [message] = await db.select({ id: mailMessages.id }).from(mailMessages).orderBy(desc(mailMessages.id)).limit(1);
  const [job] = await db
    .insert(jobs)
    .values({ kind: 'test.dead', key: `routes test dead job ${n}`, runAt: new Date(), status: 'dead', attempts: 5, lastError: 'Broken' })
    .returning({ id: jobs.id });
  const events = await eventTargets(db, n, shared.mailer);
  const { mailer: _mailer, ...people } = shared;
  return {
    jobId: job!.id,
    ...events,
    ...people,
    messageId: message!.id,
    tokenId: token.id,
    editionId: draft.id,
    sectionId: section.id,
    itemId: section.items[0]!.id,
    sendId: send.id,
    commentId: comments.at(-1)!.id,
    listId,
    listName,
    subscriberId: subscriber.id,
    attachmentId: Number(attachmentId),
    slug: published.slug,
  };
}

async function eventTargets(db: Db, n: number, mailer: Mailer): Promise<Pick<Targets, 'eventId' | 'eventSlug' | 'bookingId'>> {
  const sys = systemActor('routes test');
  const deps = {
    mailer,
    baseUrl: 'http://localhost:3000',
    networkName: 'Test network',
    from: 'baton@example.org',
    capacity: createCapacity(),
  };
  const event = await createEvent(db, sys, {
    title: `Routes event ${n}`,
    start: '2040-06-30T09:30:00+01:00',
    end: '2040-06-30T16:30:00+01:00',
    capacity: 10,
  });
  await publishEvent(db, sys, event.id);
  const { booking } = await book(deps, db, sys, event.id, { email: 'target@example.org' });
  return { eventId: event.id, eventSlug: event.slug, bookingId: booking.id };
}

/** What each path parameter becomes, by the path segment before it (or its own name): every new kind of parameter needs a line here. */
const PARAMS: Record<string, (t: Targets) => string | number> = {
  people: (t) => t.personId,
  organisations: (t) => t.organisationId,
  outbox: (t) => t.messageId,
  tokens: (t) => t.tokenId,
  editions: (t) => t.editionId,
  sections: (t) => t.sectionId,
  items: (t) => t.itemId,
  sends: (t) => t.sendId,
  jobs: (t) => t.jobId,
  introductions: (t) => t.introductionId,
  comments: (t) => t.commentId,
  lists: (t) => t.listId,
  requests: (t) => t.subscriberId,
  attachments: (t) => t.attachmentId,
  updates: (t) => t.slug,
  rota: () => DIRECTOR_MONTH,
  confirm: () => 'not-a-live-token',
  unsubscribe: () => 'not-a-live-token',
  introduction: () => 'not-a-live-token',
  ':decision': () => 'approve',
  projects: () => 999_999,
  opportunities: () => 999_999,
  'events/:id': (t) => t.eventId,
  'bookings/:id': (t) => t.bookingId,
  'events/:slug': (t) => t.eventSlug,
  ':id/:action': () => 'publish',
  'bookings/:token': () => 'not-a-live-token',
  'calendar/:token': () => 'not-a-live-token',
};

/** Turns a route's pattern into a URL naming real rows; throws for a parameter it does not know, so a new route cannot slip past. */
export function fillParams(url: string, t: Targets): string {
  const parts = url.split('/');
  return parts
    .map((part, i) => {
      if (part === '*') return 'no-such-file.css';
      if (!part.startsWith(':')) return part;
      const prev = parts[i - 1] ?? '';
      const fill = PARAMS[`${prev}/${part}`] ?? PARAMS[part] ?? PARAMS[prev];
      if (!fill) throw new Error(`route ${url}: no fixture for ${part}; add one to PARAMS in test/helpers/route-fixture.ts`);
      return encodeURIComponent(String(fill(t)));
    })
    .join('/');
}
