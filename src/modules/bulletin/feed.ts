import { Feed } from 'feed';
import { escapeHtml } from '../../platform/http/escape.js';
import { paths } from '../../platform/http/paths.js';
import { presentEdition, type PresentedEdition } from './present.js';
import type { EditionTree } from './repo.js';

/**
 * The `feed` package writes every entry title and content as type="html" inside CDATA, and splits only the first "]]>"
 * of a value. So a title goes in HTML-escaped (a reader shows it as the text it is, and it holds no "]]>"), and the
 * content is the sanitised HTML with any "]]>" written as "]]&gt;", which HTML reads back the same.
 */
const cdataSafe = (html: string) => html.replaceAll(']]>', ']]&gt;');

/** The bulletin's Atom feed: the newest published editions, titles as text and content as the site's sanitised HTML. */
export function atomFeed(trees: EditionTree[], site: { baseUrl: string; networkName: string }): string {
  const feed = new Feed({
    title: `${site.networkName}: Regional Update`,
    id: `${site.baseUrl}${paths.updates}`,
    link: `${site.baseUrl}${paths.updates}`,
    feedLinks: { atom: `${site.baseUrl}${paths.feed}` },
    updated: trees[0]?.edition.publishedAt ?? new Date(0),
    copyright: site.networkName,
    author: { name: site.networkName },
  });
  for (const tree of trees) {
    const e = presentEdition(tree);
    feed.addItem({
      title: escapeHtml(e.title),
      id: `${site.baseUrl}${paths.update(e.slug)}`,
      link: `${site.baseUrl}${paths.update(e.slug)}`,
      date: e.publishedAt ?? new Date(),
      // A person's name is text in Atom, and the XML writer escapes it.
      author: e.introAuthor ? [{ name: e.introAuthor }] : undefined,
      content: cdataSafe(feedHtml(e)),
    });
  }
  return feed.atom1();
}

/** The edition's whole content as HTML for a feed reader: rendered Markdown is sanitised, every other text escaped. */
function feedHtml(e: PresentedEdition): string {
  const parts = [e.introHtml];
  if (e.showSignOff)
    parts.push(
      `<p>${escapeHtml(e.signOff)}</p><p><strong>${escapeHtml(e.introAuthor ?? "")}</strong>${e.introOrganisation ? `, ${escapeHtml(e.introOrganisation)}` : ''}</p>`,
    );
  for (const s of e.sections) {
    if (s.heading) parts.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    for (const it of s.items) parts.push(`${it.heading ? `<h3>${escapeHtml(it.heading)}</h3>` : ''}${it.html}`);
  }
  return parts.join('\n');
}
