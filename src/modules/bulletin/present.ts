import { renderMarkdown } from '../../platform/text/markdown.js';
import type { EditionTree } from './repo.js';
import { monthLabel, slugify } from './service.js';
import { DEFAULT_SIGN_OFF, endsWithSignOff } from './sign-off.js';

/** An edition ready for a template: Markdown rendered to safe HTML, sections anchored for the contents list. */
export function presentEdition(tree: EditionTree) {
  const { edition } = tree;
  const used = new Set<string>(['introduction', 'comments']);
  const sections = tree.sections.map((s, i) => {
    let anchor = s.heading ? slugify(s.heading) : `section-${i + 1}`;
    while (used.has(anchor)) anchor = `${anchor}-${i + 1}`;
    used.add(anchor);
    return {
      id: s.id,
      heading: s.heading,
      standing: s.standing,
      anchor,
      items: s.items.map((it) => ({
        id: it.id,
        heading: it.heading,
        html: renderMarkdown(it.body),
        body: it.body,
        attachments: it.attachments,
      })),
    };
  });
  return {
    ...edition,
    monthLabel: monthLabel(edition.month.slice(0, 7)),
    introHtml: renderMarkdown(edition.introBody),
    // The hand-off line, unless the author already wrote one into their text.
    handoffLine:
      edition.handoffAuthor && !/next month/i.test(edition.introBody) && !edition.introBody.includes(edition.handoffAuthor)
        ? `Next month ${edition.handoffAuthor}${edition.handoffOrganisation ? ` from ${edition.handoffOrganisation}` : ''} will be writing this introduction.`
        : null,
    hasIntro: Boolean(edition.introBody.trim()),
    signOff: edition.introSignOff || DEFAULT_SIGN_OFF,
    // The sign-off and name under the introduction, unless the author already signed off in their text.
    showSignOff: Boolean(edition.introAuthor) && !endsWithSignOff(edition.introBody, edition.introAuthor, edition.introSignOff),
    sections,
  };
}

/** The presented form of an edition. */
export type PresentedEdition = ReturnType<typeof presentEdition>;
