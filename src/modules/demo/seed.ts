import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../platform/root.js';
import { count } from 'drizzle-orm';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { systemActor } from '../../platform/actor.js';
import { recordAudit } from '../audit/service.js';
import { organisations } from '../directory/schema.js';
import * as repo from '../directory/repo.js';
import type { JobRole, OrganisationKind } from '../directory/schema.js';
import { importBulletins } from '../bulletin/import.js';
import { fillFromEditions } from '../rota/service.js';
import { upsertSubscribers } from '../mailing/subscriptions.js';

/** The network's member councils and trusts, and its partners. */
export const DEMO_ORGANISATIONS: Array<[string, OrganisationKind]> = [
  ['Birmingham', 'council'],
  ['Coventry', 'council'],
  ['Dudley', 'council'],
  ['Herefordshire', 'council'],
  ['Sandwell', 'council'],
  ['Shropshire', 'council'],
  ['Solihull', 'council'],
  ['Staffordshire', 'council'],
  ['Stoke-on-Trent', 'council'],
  ['Telford and Wrekin', 'council'],
  ['Walsall', 'council'],
  ['Warwickshire', 'council'],
  ['Wolverhampton', 'council'],
  ['Worcestershire', 'council'],
  ["Birmingham Children's Trust", 'trust'],
  ["Sandwell Children's Trust", 'trust'],
  ['West Midlands ADCS Network', 'network'],
  ['Department for Education', 'partner'],
  ['The Staff College', 'partner'],
];

// Fictional people: the demo shows the shape of a network without anyone's personal data.
const FIRST = ['Alex', 'Sam', 'Jordan', 'Priya', 'Morgan', 'Chris', 'Hannah', 'Imran', 'Ruth', 'Daniel', 'Grace', 'Tom', 'Aisha', 'Owen'];
const LAST = [
  'Ashdown',
  'Bellamy',
  'Carver',
  'Dhillon',
  'Ellery',
  'Fenwick',
  'Gill',
  'Hartley',
  'Iqbal',
  'Jessop',
  'Kaur',
  'Lowe',
  'Mistry',
  'Norbury',
];

function slug(name: string) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const bulletinsDir = path.join(projectRoot, 'src/modules/demo/bulletins');

/** Loads the demo network and the two seed bulletins into an empty database; does nothing if any organisation exists. */
export async function loadDemoIfEmpty(db: Db): Promise<boolean> {
  const loaded = await loadDemoDirectory(db);
  if (loaded) {
    const files = fs
      .readdirSync(bulletinsDir)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    await importBulletins(
      db,
      systemActor('demo loader'),
      files.map((f) => ({ name: f, text: fs.readFileSync(path.join(bulletinsDir, f), 'utf8') })),
    );
    await fillFromEditions(db);
    // The bulletin's audience: the directors, assistant directors and heads of service of the demo councils.
    const audience = (await repo.allPeople(db)).filter((p) => ['director', 'assistant-director', 'head-of-service'].includes(p.jobRole));
    await upsertSubscribers(
      db,
      systemActor('demo loader'),
      {
        lists: ['Regional Update'],
        subscribers: audience.map((p) => ({ email: p.email, name: p.name, role: p.jobRole, organisation: p.organisationName })),
      },
      'import',
    );
  }
  return loaded;
}

async function loadDemoDirectory(db: Db): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const [row] = await tx.select({ n: count() }).from(organisations);
    if (row!.n > 0) return false;
    const ids = new Map<string, number>();
    for (const [name, kind] of DEMO_ORGANISATIONS) ids.set(name, (await repo.insertOrganisation(tx, { name, kind })).id);
    const add = (
      name: string,
      email: string,
      org: string,
      jobRole: JobRole,
      jobTitle: string,
      accessRole: repo.PersonValues['accessRole'] = 'member',
      paEmail: string | null = null,
    ) => repo.insertPerson(tx, { name, email, organisationId: ids.get(org)!, jobRole, jobTitle, accessRole, paEmail });

    await add('Demo Admin', 'admin@example.org', 'West Midlands ADCS Network', 'regional-team', 'Regional Network Manager', 'admin');
    await add('Demo Editor', 'editor@example.org', 'West Midlands ADCS Network', 'regional-team', 'Regional Programme Officer', 'editor');
    const members = DEMO_ORGANISATIONS.filter(([, kind]) => kind === 'council');
    let directorIds: number[] = [];
    for (const [i, [org]] of members.entries()) {
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[(i * 5) % LAST.length]!;
      const domain = `${slug(org)}.example.org`;
      directorIds.push(
        await add(
          `${first} ${last}`,
          `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`,
          org,
          'director',
          "Director of Children's Services",
          'director',
          `pa.director@${domain}`,
        ),
      );
      const f2 = FIRST[(i + 3) % FIRST.length]!;
      const l2 = LAST[(i * 3 + 1) % LAST.length]!;
      await add(
        `${f2} ${l2}`,
        `${f2.toLowerCase()}.${l2.toLowerCase()}@${domain}`,
        org,
        'assistant-director',
        'Assistant Director, Children’s Social Care',
      );
      const f3 = FIRST[(i + 7) % FIRST.length]!;
      const l3 = LAST[(i * 7 + 2) % LAST.length]!;
      await add(`${f3} ${l3}`, `${f3.toLowerCase()}.${l3.toLowerCase()}@${domain}`, org, 'head-of-service', 'Head of Service, Early Help');
    }
    directorIds = directorIds.slice(0, 4);
    await repo.insertTerm(tx, { office: 'chair', personId: directorIds[0]!, portfolio: null, startsOn: '2023-03-01' });
    await repo.insertTerm(tx, { office: 'co-vice-chair', personId: directorIds[1]!, portfolio: null, startsOn: '2022-04-01' });
    await repo.insertTerm(tx, { office: 'co-vice-chair', personId: directorIds[2]!, portfolio: null, startsOn: '2023-03-01' });
    await repo.insertTerm(tx, {
      office: 'workstream-sponsor',
      personId: directorIds[3]!,
      portfolio: 'Care leaver offer',
      startsOn: '2022-06-01',
    });
    await recordAudit(tx, systemActor('demo loader'), { action: 'demo.load', entityType: 'network', summary: 'Loaded the demo network' });
    return true;
  });
}
