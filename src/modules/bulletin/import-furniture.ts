// Page furniture: what a blog page's text carries besides the bulletin (site chrome, post metadata, spacers, image alt text).
// Every rule here is about the shape of a line, never about the words of a particular bulletin.

/** Stands for a gap between paragraphs wider than the text's usual one, which old pages used between untitled items. */
export const BREAK = '\u241e';

/** One thing the importer left out of a bulletin as page furniture, for the per-file report. */
export interface Dropped {
  kind: 'site chrome' | 'post metadata' | 'spacer' | 'stray word';
  text: string;
}

const CHROME = [
  /^top of page$/i,
  /^bottom of page$/i,
  /^(bottom of page)?top of page$/i,
  /^\d+\s*views?(\s*\d+\s*comments?)?$/i,
  /^\d+\s*comments?$/i,
  /^see all$/i,
  /^skip to (main )?content$/i,
  /^(log in|sign in)$/i,
  /^share( this post)?$/i,
];

const MON = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DAY = '\\d{1,2}(?:st|nd|rd|th)?';
const YEAR = '(?:,?\\s+\\d{4})?';
const SHORT_DATE = new RegExp(
  `^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\\s+)?(?:${MON}\\s+${DAY}${YEAR}|${DAY}\\s+${MON}${YEAR}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{2,4})$`,
  'i',
);
const RELATIVE_DATE = /^(?:(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago|just now|yesterday|today)$/i;
const READ_TIME = /^(?:\d+|<\s*1)\s*min(?:ute)?s?\s+read$/i;
const UPDATED = /^(?:updated|edited|posted)(?:\s+on)?:?\s+/i;

/** Whether a line is only post metadata: a date ("Sep 19", "4 days ago"), a reading time ("5 min read"), or several joined by dots. */
export function isMetaLine(line: string): boolean {
  const parts = line
    .trim()
    .split(/\s*[·•|]\s*/)
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => isMetaPart(p.replace(UPDATED, '')));
}

function isMetaPart(p: string): boolean {
  return SHORT_DATE.test(p) || RELATIVE_DATE.test(p) || READ_TIME.test(p);
}

/** Whether a metadata line holds a relative date or a reading time, which make it furniture wherever it stands. */
function isMetaAnywhere(line: string): boolean {
  const parts = line
    .trim()
    .split(/\s*[·•|]\s*/)
    .filter(Boolean);
  return parts.length > 0 && parts.some((p) => RELATIVE_DATE.test(p) || READ_TIME.test(p)) && isMetaLine(line);
}

type Kind = 'blank' | 'drop' | 'content';

/**
 * Splits page text into its paragraphs, dropping site chrome and spacer paragraphs (only non-breaking spaces), and marking with BREAK a gap wider than the text's usual one (the text may separate
 * paragraphs by one newline or by a blank line: the more common of the two is the usual gap).
 */
export function paragraphs(text: string, dropped: Dropped[]): string[] {
  let raw = text.replace(/\r\n?/g, '\n').split('\n');
  // The blog's list of other posts ends the bulletin.
  const recent = raw.findIndex((l) => /^recent posts$/i.test(l.trim()));
  const tail = recent >= 0 ? raw.slice(recent).filter((l) => l.trim() && !CHROME.some((re) => re.test(l.trim()))) : [];
  if (recent >= 0) raw = raw.slice(0, recent);
  const kinds: Kind[] = raw.map((l) => {
    if (l.includes('\u00a0') && l.replace(/[\s\u00a0]/g, '') === '')
      return note(dropped, 'spacer', 'a paragraph holding only a non-breaking space');
    const t = l.replace(/\u00a0/g, ' ').trim();
    if (t === '') return 'blank';
    return CHROME.some((re) => re.test(t)) ? note(dropped, 'site chrome', t) : 'content';
  });
  const gaps = gapsBetweenContent(kinds);
  const single = gaps.filter((g) => g === 0).length * 2 > gaps.length;
  const wide = single ? 1 : 2;
  const out: string[] = [];
  let run = 0;
  let widest = 0;
  for (const [i, l] of raw.entries()) {
    if (kinds[i] === 'blank') widest = Math.max(widest, ++run);
    else if (kinds[i] === 'drop')
      run = 0; // a dropped line splits a run of blank lines: it was a paragraph of its own
    else {
      if (widest >= wide && out.length) out.push(BREAK);
      out.push(l.replace(/\u00a0/g, ' ').trimEnd());
      run = 0;
      widest = 0;
    }
  }
  if (tail.length)
    dropped.push({
      kind: 'site chrome',
      text: tail.length > 1 ? `${tail[0]!.trim()} (and ${tail.length - 1} more lines)` : tail[0]!.trim(),
    });
  return out;
}

function note(dropped: Dropped[], kind: Dropped['kind'], text: string): Kind {
  dropped.push({ kind, text });
  return 'drop';
}

/** For each pair of neighbouring content lines, the longest run of blank lines between them. */
function gapsBetweenContent(kinds: Kind[]): number[] {
  const gaps: number[] = [];
  let seen = false;
  let run = 0;
  let widest = 0;
  for (const k of kinds) {
    if (k === 'blank') widest = Math.max(widest, ++run);
    else if (k === 'drop') run = 0;
    else {
      if (seen) gaps.push(widest);
      seen = true;
      run = 0;
      widest = 0;
    }
  }
  return gaps;
}

/** Whether a short line could be a blog account's name: a few words, no sentence punctuation. */
function looksLikeAccount(line: string): boolean {
  const l = line.trim();
  return l !== BREAK && l.length <= 40 && l.split(/\s+/).length <= 4 && !/[.,:;!?]$/.test(l);
}

/**
 * Drops the post metadata near the top of the page: date and reading-time lines among the first lines, with the author's
 * account name written just before them (or between the title and them). `isTitle` says which line is the bulletin's title.
 */
export function dropPostMetadata(lines: string[], isTitle: (line: string) => boolean, dropped: Dropped[]): string[] {
  const firstProse = lines.findIndex((l) => l.trim().split(/\s+/).length > 8);
  const head = Math.min(firstProse < 0 ? lines.length : firstProse, 12);
  const drop = new Set<number>();
  for (let i = 0; i < head; i++) {
    if (!isMetaLine(lines[i]!)) continue;
    drop.add(i);
    // The account name stands just above the first date or reading time (Wix: title, account, date, reading time).
    const above = lines[i - 1];
    if (above !== undefined && !drop.has(i - 1) && looksLikeAccount(above) && !isTitle(above) && !isMetaLine(above)) drop.add(i - 1);
  }
  // Elsewhere only a date that says "ago" or a reading time is sure to be metadata: "Sep 19" may be a line of the text.
  lines.forEach((l, i) => isMetaAnywhere(l) && drop.add(i));
  for (const i of [...drop].sort((a, b) => a - b)) dropped.push({ kind: 'post metadata', text: lines[i]!.trim() });
  return lines.filter((_, i) => !drop.has(i));
}

/** Whether a line is a single word (no spaces, no closing colon or sentence mark): a heading, a name, or alt text. */
export function isSingleWord(line: string): boolean {
  const l = line.trim();
  return l !== BREAK && l.length > 0 && !/\s/.test(l) && !/[.:;!?,]$/.test(l);
}

/** Whether a single word looks like an image's alt text or file name rather than a heading: lower case, digits, underscores or a dot. */
export function looksLikeAltText(line: string): boolean {
  const l = line.trim();
  return isSingleWord(l) && (/^[a-z]/.test(l) || /[\d_.]/.test(l));
}
