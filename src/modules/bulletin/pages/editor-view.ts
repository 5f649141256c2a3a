import type { Db } from '../../../platform/db/client.js';
import type { Actor } from '../../../platform/actor.js';
import type { PageRequest } from '../../../platform/http/page.js';
import { listDirectors } from '../../directory/service.js';
import { presentEdition } from '../present.js';
import * as bulletin from '../service.js';

/** The template of the edition editor, re-rendered with the problems when one of its forms is refused. */
export const EDITOR_TEMPLATE = 'bulletin/views/admin-edition.njk';

/** Where an editor's action returns to: the edition page, at the part the form named (a safe anchor) if any. */
export function backToEdition(editionId: number, body: unknown, base: (id: number) => string): string {
  const anchor = (body as { anchor?: unknown } | undefined)?.anchor;
  return `${base(editionId)}${typeof anchor === 'string' && /^[\w-]{1,100}$/.test(anchor) ? `#${anchor}` : ''}`;
}

/** What the edition editor shows: the edition and the directors to pick the introduction's author from. */
export async function editorData(db: Db, actor: Actor, id: number, req?: PageRequest): Promise<Record<string, unknown>> {
  const tree = await bulletin.editionForEditor(db, actor, id);
  const directors = await listDirectors(db);
  return {
    e: presentEdition(tree),
    month: tree.edition.month.slice(0, 7),
    directors,
    values: {},
    failed: (req?.body as { form?: unknown } | undefined)?.form,
  };
}
