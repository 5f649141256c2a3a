import { Command, Option } from 'commander';
import { describeConfig, loadConfig, type Config } from './config.js';
import { ACCOUNT_ROLES, systemActor } from './platform/actor.js';
import type { Database } from './platform/db/client.js';
import type { Baton } from './server.js';
import { DataDirBusyError } from './platform/db/lock.js';
import { ValidationError } from './platform/errors.js';
import { JOB_ROLES } from './modules/directory/job-roles.js';
import fs from 'node:fs';
import path from 'node:path';

// Each command imports what it needs when it runs, so `baton --help` and a typo answer at once and `serve` loads no CLI-only code.

/** Opens the configured database for a one-off command, runs the work, and closes it. */
async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('./platform/db/client.js');
  const { migrate } = await import('./platform/db/migrate.js');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** How long a server that must exit after an unhandled rejection gives in-flight work before it goes anyway. */
const CRASH_CLOSE_MS = 5_000;

async function serve(config: Config) {
  const started = Date.now();
  let baton: Baton | undefined;
  let database: Database | undefined;
  let closing = false;
  // Ends the process with `code` after closing cleanly, or after `limitMs` if closing hangs; never rejects, so `void` is safe.
  const shutdown = async (why: string, code: number, limitMs?: number) => {
    if (closing) return;
    closing = true;
    baton?.app.log.info(`${why}: closing`);
    if (limitMs) setTimeout(() => process.exit(code), limitMs).unref();
    try {
      await baton?.close();
      await database?.close();
    } catch (err) {
      baton?.app.log.error({ err }, 'closing failed');
      code ||= 1;
    }
    process.exit(code);
  };
  // A rejection nobody handled leaves the process in a state no one planned for (a transaction or lock maybe held):
  // log it and exit 1, so the supervisor starts a clean process. docs/decisions.md, "Unhandled rejections", says why.
  process.on('unhandledRejection', (reason) => {
    if (baton) baton.app.log.fatal({ err: reason }, 'unhandled promise rejection: exiting so that the supervisor restarts Baton');
    else console.error('baton: unhandled promise rejection while starting:', reason);
    void shutdown('unhandled rejection', 1, CRASH_CLOSE_MS);
  });
  // The database opens (PGlite compiles its WebAssembly) while the app's modules load: a faster start than one after the other.
  const { openDatabase } = await import('./platform/db/client.js');
  const opening = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  void opening.catch(() => undefined); // awaited below; this only keeps a failure from being reported as unhandled meanwhile
  const { buildBaton } = await import('./server.js');
  database = await opening;
  const open = database;
  const built = await buildBaton({ config, database: open }).catch(async (err: unknown) => {
    await open.close();
    throw err;
  });
  baton = built;
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  await built.app.listen({ port: config.port, host: config.host });
  built.app.log.info(
    `Baton is serving ${config.baseUrl} (${built.ctx.database.kind}${config.databaseUrl ? '' : ` in ${config.dataDir}`}), ready in ${Date.now() - started} ms` +
      (built.ctx.mailer.usesSmtp ? '' : '; no SMTP_URL, so emails stay in the development outbox and are printed here'),
  );
}

/** Reads the files to import: each path is a file, or a folder whose .txt files are read in name order; unreadable ones are reported. */
function readImportFiles(paths: string[]) {
  const inputs: Array<{ name: string; text: string }> = [];
  const unreadable: Array<{ file: string; status: 'failed'; reason: string }> = [];
  const files = paths.flatMap((p) => {
    try {
      if (!fs.statSync(p).isDirectory()) return [p];
    } catch {
      return [p]; // reading it below says why
    }
    const names = fs
      .readdirSync(p)
      .filter((n) => /\.txt$/i.test(n) && !n.startsWith('.'))
      .sort();
    if (!names.length) unreadable.push({ file: p, status: 'failed', reason: 'the folder holds no .txt files' });
    return names.map((n) => path.join(p, n));
  });
  for (const f of files) {
    try {
      inputs.push({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      unreadable.push({ file: path.basename(f), status: 'failed', reason: `cannot read the file (${why})` });
    }
  }
  return { inputs, unreadable };
}

function program(): Command {
  const cmd = new Command('baton').description('Baton: the platform a regional leadership network runs on.').addHelpText(
    'after',
    `\nSettings (environment variables):\n${describeConfig()
      .map((c) => `  ${c.name.padEnd(20)} ${c.description}`)
      .join('\n')}`,
  );

  cmd
    .command('serve', { isDefault: true })
    .description('serve the web app (what npm start runs)')
    .action(() => serve(loadConfig()));

  cmd
    .command('migrate')
    .description('apply database migrations, then exit')
    .action(() =>
      withDatabase(loadConfig(), async () => {
        /* withDatabase migrates */
        console.log('Database is up to date.');
      }),
    );

  const user = cmd.command('user').description('manage people who can sign in');
  user
    .command('add')
    .description('add a person who can sign in, or change the role of one already in the directory')
    .argument('<email>', 'their email address (they sign in with a link sent to it)')
    .requiredOption('--name <name>', 'their full name')
    .addOption(new Option('--role <role>', 'what they may do in Baton').choices([...ACCOUNT_ROLES]).makeOptionMandatory())
    .option('--org <organisation>', 'the exact name of their organisation')
    .addOption(new Option('--job-role <jobRole>', 'their role in children’s services').choices([...JOB_ROLES]).default('other'))
    .action((email: string, o: { name: string; role: string; org?: string; jobRole: string }) =>
      withDatabase(loadConfig(), async ({ db }) => {
        const { addOrUpdateUser } = await import('./modules/directory/service.js');
        const { person, created } = await addOrUpdateUser(db, systemActor(), {
          email,
          name: o.name,
          accessRole: o.role,
          organisation: o.org ?? null,
          role: o.jobRole,
        });
        console.log(
          `${created ? 'Added' : 'Updated'} ${person.name} <${person.email}> as ${person.accessRole}${person.organisationName ? ` of ${person.organisationName}` : ''}.`,
        );
      }),
    );

  cmd
    .command('import')
    .description(
      "import bulletins from their web-page text (like the old site's pages) as published editions; the same file twice changes nothing",
    )
    .argument('<paths...>', 'text files, one bulletin each, or folders of them (their .txt files, in name order)')
    .action((paths: string[]) =>
      withDatabase(loadConfig(), async ({ db }) => {
        const { describeReport, importBulletins, summaryTable } = await import('./modules/bulletin/import.js');
        const { fillFromEditions, syncHandoffs } = await import('./modules/rota/service.js');
        const { inputs, unreadable } = readImportFiles(paths);
        const reports = [...(await importBulletins(db, systemActor(), inputs)), ...unreadable];
        const filled = await fillFromEditions(db);
        await syncHandoffs(db);
        for (const line of reports.map(describeReport)) console.log(line);
        const failed = reports.filter((r) => r.status === 'failed').length;
        if (filled) console.log(`The rota gained ${filled} months from the introductions and hand-off lines.`);
        console.log(`\n${summaryTable(reports)}\n`);
        console.log(
          `${reports.filter((r) => r.status === 'created').length} imported, ${reports.filter((r) => r.status !== 'created' && r.status !== 'failed').length} unchanged or skipped, ${failed} failed.`,
        );
        if (failed) process.exitCode = 1;
      }),
    );

  const jobs = cmd.command('jobs').description('background work: emails, sends, reminders, notices, scheduled publication');
  jobs
    .command('run')
    .description('run, once, every job due at a time (default now), then exit; safe to run as often as you like')
    .option('--now <iso-time>', 'act as if it were this time, e.g. 2023-05-18T09:00:00Z')
    .action((o: { now?: string }) => {
      const now = o.now ? new Date(o.now) : new Date();
      if (Number.isNaN(now.getTime()))
        throw new ValidationError([
          { field: '--now', message: `"${o.now}" is not a date and time; use ISO 8601, e.g. 2023-05-18T09:00:00Z` },
        ]);
      const config = loadConfig();
      return withDatabase(config, async (database) => {
        const { runJobsOnce } = await import('./jobs.js');
        const report = await runJobsOnce(database, config, now, (what, err) => console.error(`${what} failed: ${(err as Error).message}`));
        console.log(`Jobs due at ${now.toISOString()}: ${report.done} done, ${report.failed} failed.`);
        if (report.failed) process.exitCode = 1;
      });
    });

  const token = cmd.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create a bearer token for the JSON API and print it (it is stored hashed and never shown again)')
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(new Option('--role <role>', 'what the token may do').choices([...ACCOUNT_ROLES]).makeOptionMandatory())
    .action((o: { name: string; role: string }) =>
      withDatabase(loadConfig(), async ({ db }) => {
        const { createApiToken } = await import('./modules/auth/service.js');
        const { token: value } = await createApiToken(db, systemActor(), o);
        console.log(value);
      }),
    );
  return cmd;
}

try {
  await program().parseAsync(process.argv);
} catch (err) {
  if (err instanceof DataDirBusyError || err instanceof ValidationError) {
    console.error(`baton: ${err.message}`);
    process.exit(err instanceof DataDirBusyError ? 3 : 1);
  }
  console.error(`baton: ${(err as Error).message}`);
  process.exit(1);
}
