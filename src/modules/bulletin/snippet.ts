// A search result's snippet as plain reading text: what PostgreSQL's ts_headline picked, without the marks of Markdown,
// on one line, starting and ending at a word, with an ellipsis where the text goes on. Matches stay between \u0001 and \u0002.

const LINE_MARK = /^\s{0,3}(?:#{1,6}|>|[-*+•·]|\d+[.)])\s+/;
const INLINE_MARK = /\*\*|__|`+|~~/g;
const ELLIPSIS = '…';

/** Only the letters and digits of a text, to compare a snippet with the text it came from whatever the spacing and marks. */
const key = (s: string) => s.replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * Turns a ts_headline snippet into one line of plain text: list, heading and quote marks and emphasis marks gone, lines
 * joined (a heading's line by a dash, so that it does not run into the next sentence), cut to whole words, and an
 * ellipsis at either end where the searched text goes on. `text` is the whole searched text.
 */
export function plainSnippet(snippet: string, text: string): string {
  const lines = snippet
    .split(/\n+/)
    .map((l) => l.replace(LINE_MARK, '').replace(INLINE_MARK, '').trim())
    .filter((l) => key(l) !== '');
  let out = '';
  for (const l of lines) out = !out ? l : /[.!?:;…]$/.test(out.replace(/[\u0001\u0002]/g, '')) ? `${out} ${l}` : `${out} – ${l}`;
  // Begin and end at a word: a fragment may start or stop on punctuation.
  out = out.replace(/^[^\p{L}\p{N}\u0001‘“"'(]+/u, '').replace(/[\s,;:–-]+$/u, '');
  const fragments = out.split(` ${ELLIPSIS} `);
  const whole = key(text);
  const startsText = whole.startsWith(key(fragments[0]!).slice(0, 60));
  const endsText = whole.endsWith(key(fragments.at(-1)!).slice(-60));
  return `${startsText ? '' : `${ELLIPSIS} `}${out}${endsText ? '' : ` ${ELLIPSIS}`}`;
}
