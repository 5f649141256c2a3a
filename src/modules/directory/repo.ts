import { and, asc, count, desc, eq, ilike, isNull, lte, gte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { offices, organisations, people, type Office } from './schema.js';

/** An organisation row. */
export type Organisation = typeof organisations.$inferSelect;
/** A person row with their organisation's name. */
export type PersonView = typeof people.$inferSelect & { organisationName: string | null };
/** A term of office with the holder's name and organisation. */
export type OfficeTerm = typeof offices.$inferSelect & { personName: string; organisationName: string | null };

const personColumns = {
  id: people.id,
  name: people.name,
  email: people.email,
  jobTitle: people.jobTitle,
  organisationId: people.organisationId,
  jobRole: people.jobRole,
  paEmail: people.paEmail,
  accessRole: people.accessRole,
  createdAt: people.createdAt,
  updatedAt: people.updatedAt,
  organisationName: organisations.name,
};

/** All organisations by name, optionally of one kind. */
export async function listOrganisations(db: Db, kind?: Organisation['kind']): Promise<Organisation[]> {
  return db
    .select()
    .from(organisations)
    .where(kind ? eq(organisations.kind, kind) : undefined)
    .orderBy(asc(organisations.name));
}

/** A page of organisations with the total. */
export async function pageOrganisations(db: Db, opts: { limit: number; offset: number }) {
  const [rows, [total]] = await Promise.all([
    db.select().from(organisations).orderBy(asc(organisations.id)).limit(opts.limit).offset(opts.offset),
    db.select({ n: count() }).from(organisations),
  ]);
  return { rows, total: total!.n };
}

/** One organisation by id. */
export async function getOrganisation(db: Db, id: number): Promise<Organisation | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  return row;
}

/** One organisation by its name, ignoring case. */
export async function findOrganisationByName(db: Db, name: string): Promise<Organisation | undefined> {
  const [row] = await db
    .select()
    .from(organisations)
    .where(sql`lower(${organisations.name}) = lower(${name})`);
  return row;
}

/** Inserts an organisation. */
export async function insertOrganisation(db: Db, values: { name: string; kind: Organisation['kind'] }) {
  const [row] = await db.insert(organisations).values(values).returning();
  return row!;
}

/** Updates an organisation. */
export async function updateOrganisation(db: Db, id: number, values: Partial<{ name: string; kind: Organisation['kind'] }>) {
  const [row] = await db
    .update(organisations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(organisations.id, id))
    .returning();
  return row;
}

/** Filters for listing people. */
export interface PeopleFilter {
  q?: string;
  organisationId?: number;
  limit: number;
  offset: number;
}

function peopleWhere(f: Omit<PeopleFilter, 'limit' | 'offset'>): SQL | undefined {
  const parts: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(or(ilike(people.name, like), ilike(people.email, like), ilike(people.jobTitle, like))!);
  }
  if (f.organisationId) parts.push(eq(people.organisationId, f.organisationId));
  return parts.length ? and(...parts) : undefined;
}

/** A page of people matching the filter, by name, with the total count. */
export async function listPeople(db: Db, f: PeopleFilter): Promise<{ rows: PersonView[]; total: number }> {
  const where = peopleWhere(f);
  const [rows, [total]] = await Promise.all([
    db
      .select(personColumns)
      .from(people)
      .leftJoin(organisations, eq(people.organisationId, organisations.id))
      .where(where)
      .orderBy(asc(people.name), asc(people.id))
      .limit(f.limit)
      .offset(f.offset),
    db.select({ n: count() }).from(people).where(where),
  ]);
  return { rows, total: total!.n };
}

/** One person by id, with organisation name. */
export async function getPerson(db: Db, id: number): Promise<PersonView | undefined> {
  const [row] = await db
    .select(personColumns)
    .from(people)
    .leftJoin(organisations, eq(people.organisationId, organisations.id))
    .where(eq(people.id, id));
  return row;
}

/** One person by email address, ignoring case. */
export async function findPersonByEmail(db: Db, email: string): Promise<PersonView | undefined> {
  const [row] = await db
    .select(personColumns)
    .from(people)
    .leftJoin(organisations, eq(people.organisationId, organisations.id))
    .where(sql`lower(${people.email}) = lower(${email})`);
  return row;
}

/** Values stored for a person. */
export type PersonValues = {
  name: string;
  email: string;
  jobTitle: string | null;
  organisationId: number | null;
  jobRole: PersonView['jobRole'];
  paEmail: string | null;
  accessRole: PersonView['accessRole'];
};

/** Inserts a person and returns their id. */
export async function insertPerson(db: Db, values: PersonValues): Promise<number> {
  const [row] = await db.insert(people).values(values).returning({ id: people.id });
  return row!.id;
}

/** Updates a person. */
export async function updatePerson(db: Db, id: number, values: Partial<PersonValues>): Promise<void> {
  await db
    .update(people)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(people.id, id));
}

/** Every person with organisation, for export, in a stable order. */
export async function allPeople(db: Db): Promise<PersonView[]> {
  return db
    .select(personColumns)
    .from(people)
    .leftJoin(organisations, eq(people.organisationId, organisations.id))
    .orderBy(asc(organisations.name), asc(people.name), asc(people.id));
}

const officeColumns = {
  id: offices.id,
  office: offices.office,
  portfolio: offices.portfolio,
  personId: offices.personId,
  startsOn: offices.startsOn,
  endsOn: offices.endsOn,
  createdAt: offices.createdAt,
  personName: people.name,
  organisationName: organisations.name,
};

/** Terms of office held on the given day (YYYY-MM-DD). */
export async function officesHeldOn(db: Db, day: string): Promise<OfficeTerm[]> {
  return db
    .select(officeColumns)
    .from(offices)
    .innerJoin(people, eq(offices.personId, people.id))
    .leftJoin(organisations, eq(people.organisationId, organisations.id))
    .where(and(lte(offices.startsOn, day), or(isNull(offices.endsOn), gte(offices.endsOn, day))))
    .orderBy(asc(offices.office), asc(offices.startsOn));
}

/** Every term of office, newest first: the history of leadership changes. */
export async function officeHistory(db: Db): Promise<OfficeTerm[]> {
  return db
    .select(officeColumns)
    .from(offices)
    .innerJoin(people, eq(offices.personId, people.id))
    .leftJoin(organisations, eq(people.organisationId, organisations.id))
    .orderBy(desc(offices.startsOn), asc(offices.office));
}

/** Open terms of an office (no end date) that began before the given day. */
export function openTerms(db: Db, office: Office, portfolio: string | null, before: string) {
  return db
    .select()
    .from(offices)
    .where(
      and(
        eq(offices.office, office),
        portfolio == null ? isNull(offices.portfolio) : eq(offices.portfolio, portfolio),
        isNull(offices.endsOn),
        lte(offices.startsOn, before),
      ),
    );
}

/** Ends a term of office on a day. */
export async function endTerm(db: Db, id: number, endsOn: string): Promise<void> {
  await db.update(offices).set({ endsOn }).where(eq(offices.id, id));
}

/** Records a new term of office. */
export async function insertTerm(
  db: Db,
  values: { office: Office; personId: number; portfolio: string | null; startsOn: string },
): Promise<number> {
  const [row] = await db.insert(offices).values(values).returning({ id: offices.id });
  return row!.id;
}

/** People whose role in children's services is director, with organisation, by name: for the rota. */
export async function listDirectors(db: Db): Promise<PersonView[]> {
  return db
    .select(personColumns)
    .from(people)
    .leftJoin(organisations, eq(people.organisationId, organisations.id))
    .where(eq(people.jobRole, 'director'))
    .orderBy(asc(people.name), asc(people.id));
}
