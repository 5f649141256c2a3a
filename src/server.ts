import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { openDatabase, type Database } from './platform/db/client.js';
import { migrate } from './platform/db/migrate.js';
import { resolveSecret } from './platform/secret.js';
import { createHttpApp, type HttpOptions } from './platform/http/app.js';
import type { AppContext } from './platform/http/context.js';
import { Mailer } from './platform/mail/mailer.js';
import { printOutbox } from './platform/mail/outbox-block.js';
import { adminRoutes } from './modules/admin/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { directoryApi } from './modules/directory/api.js';
import { directoryRoutes } from './modules/directory/routes.js';
import { homeRoutes } from './modules/home/routes.js';
import { loadDemoIfEmpty } from './modules/demo/seed.js';
import { apiDocsRoutes } from './platform/http/openapi.js';
import { bulletinAdminRoutes } from './modules/bulletin/routes-admin.js';
import { bulletinPublicRoutes } from './modules/bulletin/routes-public.js';
import { bulletinApi } from './modules/bulletin/api.js';
import { WorkerLease } from './platform/jobs/lease.js';
import { JobQueue } from './platform/jobs/queue.js';
import { registerJobs } from './jobs.js';
import { adminJobsRoutes } from './modules/admin/routes-jobs.js';
import { rotaRoutes } from './modules/rota/routes.js';
import { rotaApi } from './modules/rota/api.js';
import { mailingAdminRoutes } from './modules/mailing/routes-admin.js';
import { mailingPublicRoutes } from './modules/mailing/routes-public.js';
import { mailingApi } from './modules/mailing/api.js';
import { SendWorker } from './modules/mailing/sender.js';
import { planRoutes } from './modules/plan/routes.js';
import { eventsRoutes } from './modules/events/routes.js';
import { planApi } from './modules/plan/api.js';
import { sharingApi } from './modules/sharing/api.js';
import { opportunitiesApi } from './modules/opportunities/api.js';
import { eventsApi } from './modules/events/api.js';
import { can, isAction } from './policy.js';
import { registerFeature } from './platform/http/features.js';
import { paths } from './platform/http/paths.js';

/** The features of modules that do not register their own yet (home page cards and menu links, in menu order). */
function existingFeatures(app: FastifyInstance): void {
  registerFeature(app, {
    title: 'Regional Update',
    summary: 'The monthly bulletin of the network: every edition, with its introduction from one of the directors.',
    href: paths.updates,
    nav: true,
  });
  registerFeature(app, { title: 'Search', summary: 'Search every edition of the Regional Update.', href: paths.search, nav: true });
  registerFeature(app, {
    title: 'Directory',
    summary: 'The people of the network, their councils and trusts, and who holds each office.',
    href: paths.directory,
    nav: true,
  });
  registerFeature(app, { title: 'Subscribe', summary: 'Get the Regional Update by email each month.', href: paths.subscribe });
}

/** A running Baton: the HTTP app, its context, and how to stop it cleanly. */
export interface Baton {
  app: FastifyInstance;
  ctx: AppContext;
  /** The bulletin send worker (tests drive it with tick()). */
  sender: SendWorker;
  /** This process's job queue, with every module's jobs on it. */
  queue: JobQueue;
  close(): Promise<void>;
}

/** Options for building Baton around an already-open database (tests do this). */
export interface BuildOptions {
  config: Config;
  database?: Database;
  /** Run migrations and load demo content (default true). */
  prepare?: boolean;
  /** Log dev-outbox messages (default true). */
  logOutbox?: boolean;
  /** Run the job queue: due jobs every second, planners every 30 s (default true; tests drive it themselves). */
  runJobs?: boolean;
  /** Told of every route as it is registered (see HttpOptions.onRoute). */
  onRoute?: HttpOptions['onRoute'];
}

/** Opens the database, migrates it, loads demo content if empty, and builds the app. */
export async function buildBaton(opts: BuildOptions): Promise<Baton> {
  const { config } = opts;
  const database = opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (opts.prepare !== false) {
      await migrate(database);
      if (config.demo) await loadDemoIfEmpty(database.db);
    }
    const secret = await resolveSecret(database.db, config);
    let app: FastifyInstance | undefined;
    const onError = (what: string, err: unknown) => app?.log.error({ err }, `${what} failed`);
    // This process's lease: its claims on work die with it. On PGlite the process is the only one, so any older
    // worker's claims are retaken at once.
    const lease = new WorkerLease({
      db: database.db,
      leaseMs: config.workerLeaseMs,
      exclusive: database.kind === 'pglite',
      onError,
    });
    // One queue per process runs every background job: emails, bulletin sends, reminders, scheduled publication.
    const queue = new JobQueue(database.db, { lease, onError });
    const mailer = new Mailer({
      db: database.db,
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      queue,
      onOutbox: opts.logOutbox === false ? undefined : (mail) => printOutbox(mail, config.logFormat, app?.log),
    });
    const ctx: AppContext = { config, database, db: database.db, mailer, secret };
    app = await createHttpApp(ctx, {
      cookieSecret: secret,
      onRoute: opts.onRoute,
      can: (actor, action, resource) => isAction(action) && can(actor, action, resource),
      modules: [
        existingFeatures,
        authRoutes,
        homeRoutes,
        directoryRoutes,
        adminRoutes,
        adminJobsRoutes,
        bulletinPublicRoutes,
        bulletinAdminRoutes,
        rotaRoutes,
        mailingPublicRoutes,
        mailingAdminRoutes,
        directoryApi,
        bulletinApi,
        rotaApi,
        mailingApi,
        planRoutes,
        planApi,
        sharingApi,
        opportunitiesApi,
        eventsRoutes,
        eventsApi,

        apiDocsRoutes,
      ],
    });
    const sender = new SendWorker({
      db: database.db,
      secret,
      baseUrl: config.baseUrl,
      networkName: config.networkName,
      from: config.mailFrom,
      smtpUrl: config.smtpUrl,
      rate: config.mailRate,
      pool: config.smtpPool,
      queue,
      outbox: mailer,
      onError,
    });
    registerJobs(queue, { mailer, config, sender });
    if (opts.runJobs !== false) queue.start({ pollMs: 1000, planEveryMs: 30_000 });
    return {
      app,
      ctx,
      sender,
      queue,
      close: async () => {
        await queue.stop();
        await sender.stop();
        await lease.stop();
        await app!.close();
        await mailer.stop();
        if (!opts.database) await database.close();
      },
    };
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
}
