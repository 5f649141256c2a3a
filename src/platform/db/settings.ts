import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { settings } from './schema.js';

/** Reads a setting, or undefined. */
export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row?.value;
}

/** Returns the stored value, storing `make()` first if there is none; safe when two processes race. */
export async function getOrCreateSetting(db: Db, key: string, make: () => string): Promise<string> {
  await db.insert(settings).values({ key, value: make() }).onConflictDoNothing();
  const value = await getSetting(db, key);
  if (value === undefined) throw new Error(`Setting ${key} vanished`);
  return value;
}

/** Writes a setting. */
export async function setSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value` } });
}

const contentListeners = new Set<() => void>();

/** Calls `listener` whenever this process marks content as changed (page caches drop their pages at once); answers the unsubscribe. */
export function onContentChange(listener: () => void): () => void {
  contentListeners.add(listener);
  return () => contentListeners.delete(listener);
}

/** Marks published content as changed, so every process's page cache drops its pages; call it in the changing transaction. */
export async function bumpContentVersion(db: Db): Promise<void> {
  // This process's caches drop their pages now (a rolled-back change only costs a render); others notice the version.
  for (const listener of contentListeners) listener();
  await db
    .insert(settings)
    .values({ key: 'content_version', value: '1' })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`(${settings.value}::bigint + 1)::text` } });
}
