import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml2js, type Element } from 'xml-js';
import { Parser } from 'htmlparser2';
import { decodeHTML } from 'entities';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { testBaton } from '../../../test/helpers/app.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import * as bulletin from './service.js';

// Classic XSS payloads, typed as edition titles, introduction authors, headings and bodies, then read from the feed
// the way a feed reader would: a strict XML parse, then each field interpreted by its declared type.
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<body onload=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="jAvAsCrIpT:alert(1)">click</a>',
  '<a href="&#106;avascript:alert(1)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<input onfocus=alert(1) autofocus>',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<video><source onerror=alert(1)></video>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '</title><script>alert(1)</script>',
  '</content><script>alert(1)</script>',
  ']]><script>alert(1)</script>',
  'a]]>b]]><script>alert(1)</script><![CDATA[',
  '<![CDATA[<script>alert(1)</script>]]>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;script&#62;alert(1)&#60;/script&#62;',
  '\\x3cscript\\x3ealert(1)\\x3c/script\\x3e',
  '<scr<script>ipt>alert(1)</script>',
  '<<script>alert(1)//<</script>',
  '<!--<script>alert(1)-->',
  '<style>@import "javascript:alert(1)";</style>',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<marquee onstart=alert(1)>x</marquee>',
  '<x onclick=alert(1)>click</x>',
  '[click](javascript:alert(1))',
  '![x](javascript:alert(1))',
  '<http://example.org/"onmouseover="alert(1)>',
  'Tom & Jerry <b>bold</b> "quoted" \'single\'',
  'Regional Update – Zoë’s month',
];

// What the site's sanitiser lets through, and what a feed's HTML content may therefore hold.
const TAGS = new Set(['p', 'br', 'strong', 'em', 'b', 'i', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'h2', 'h3', 'h4', 'hr']);
const TAGS_TOO = new Set(['table', 'thead', 'tbody', 'tr', 'th', 'td']);

let database: TestDatabase;
let baton: Baton;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});

const child = (el: Element, name: string) => el.elements?.find((c) => c.name === name);
/** The text of an element, failing if it holds elements: a feed's text fields hold no markup. */
function textOf(el: Element | undefined): string {
  for (const c of el?.elements ?? []) expect(c.type, `element <${c.name}> inside <${el!.name}>`).not.toBe('element');
  return (el?.elements ?? []).map((c) => String(c.text ?? c.cdata ?? '')).join('');
}
/** What a reader shows for an Atom text construct (RFC 4287 3.1): text as it is, html decoded once and free of tags. */
function shown(el: Element | undefined): string {
  const type = String(el?.attributes?.type ?? 'text');
  const text = textOf(el);
  if (type === 'text') return text;
  expect(type).toBe('html');
  expect(text, 'an html title with markup in it').not.toMatch(/</);
  return decodeHTML(text);
}
/** Checks that HTML content holds only the sanitiser's tags, and links only to web, mail and phone addresses. */
function checkHtml(html: string) {
  const problems: string[] = [];
  const parser = new Parser({
    onopentag(name, attribs) {
      if (!TAGS.has(name) && !TAGS_TOO.has(name)) problems.push(`<${name}>`);
      for (const [k, v] of Object.entries(attribs)) {
        if (k !== 'href' && k !== 'class') problems.push(`${name} ${k}=`);
        if (k === 'href' && !/^(https?:|mailto:|tel:)/i.test(v)) problems.push(`href=${v}`);
      }
    },
  });
  parser.write(html);
  parser.end();
  expect(problems).toEqual([]);
}

describe('the Atom feed', () => {
  // The feed shows the newest 20 editions, so the payloads go in two rounds of at most 20, each read fresh.
  const rounds = [PAYLOADS.slice(0, 20), PAYLOADS.slice(20, 40), PAYLOADS.slice(40)];
  it.each(rounds.map((r, i) => [i, r] as const))('shows payloads round %i as text, never as markup', async (round, payloads) => {
    await database.reset();
    const slugs = new Map<string, string>();
    for (const [i, p] of payloads.entries()) {
      const { id, slug } = await bulletin.createEdition(database.db, editor, {
        title: p,
        month: `20${10 + i}-0${1 + round}`,
        introduction: { author: p, organisation: p, body: p },
        sections: [{ heading: p, items: [{ heading: p, body: p }] }],
      });
      await bulletin.transition(database.db, editor, id, 'publish');
      slugs.set(slug, p);
    }
    const res = await baton.app.inject({ method: 'GET', url: `/updates/feed.xml?round=${round}` });
    expect(res.statusCode).toBe(200);
    const doc = xml2js(res.body, { compact: false }) as Element;
    const feed = child(doc, 'feed')!;
    const entries = feed.elements!.filter((e) => e.name === 'entry');
    expect(entries).toHaveLength(payloads.length);
    for (const entry of entries) {
      const href = String(child(entry, 'link')!.attributes!.href);
      const typed = slugs.get(href.slice(href.lastIndexOf('/') + 1))!;
      expect(shown(child(entry, 'title')), `title of ${href}`).toBe(typed);
      expect(textOf(child(child(entry, 'author')!, 'name')), `author of ${href}`).toBe(typed);
      const content = child(entry, 'content')!;
      expect(content.attributes!.type).toBe('html');
      checkHtml(textOf(content));
    }
  });
});
