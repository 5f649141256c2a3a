import { escapeMarkdown } from '../../platform/text/markdown.js';
import { BREAK, dropPostMetadata, isSingleWord, looksLikeAltText, paragraphs, type Dropped } from './import-furniture.js';

/** What the importer read from one bulletin's web-page text. */
export interface ParsedBulletin {
  title: string;
  /** YYYY-MM */
  month: string;
  introduction: { body: string; author: string | null; organisation: string | null; signOff: string | null };
  sections: Array<{ heading: string | null; items: Array<{ heading: string | null; body: string }> }>;
  handoff: { author: string; organisation: string } | null;
  forwardingNote: string | null;
  /** What was left out as page furniture (site chrome, post metadata, spacers, stray words), in the order the rules found it. */
  dropped: Dropped[];
  /** Set when the text had no title line and the month came from the file's name. */
  titleFrom: 'text' | 'file name';
}

/** A text the importer cannot read as a bulletin, with the reason. */
export class BulletinParseError extends Error {}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE =
  /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?,?\s+(\d{4})\b/i;
const SIGN_OFF =
  /^(best wishes|kind regards|warm(est)? (regards|wishes)|many thanks|with (many )?thanks|best regards|regards|with best wishes|all the best|thank you|yours sincerely)[,.!]?$/i;
const SIGN_OFF_WITH_NAME =
  /^(best wishes|kind regards|warm(?:est)? (?:regards|wishes)|many thanks|best regards|with best wishes|all the best),\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\.?$/i;
const ROLE_LINE = /\b(director|chair|chief|executive|council|trust|sponsor|lead|head of)\b/i;
const BULLET = /^\s*(?:[·•▪◦‣●*–-]|o(?=\s)|\d+[.)])\s+/;
const DETAIL = /^(date|time|times|venue|location|where|when|cost|price|audience|address)\b\s*[:,;–-]?\s*\S/i;
const SENTENCE_START =
  /^(please|if|for (more|further)|you|we|they|this|these|it|more information|details|click|contact|see|watch|find|as|thank|i|our|there)\b/i;
const FORWARDING = /circulated electronically|secondary recipients|forward (the|this) (document|bulletin|update)/i;
const FOOTER = /additions to the mailing list|to be added to the (mailing|distribution) list/i;
const NAME = `([A-Z][\\w'’-]+(?:\\s+[A-Z][\\w'’-]+){0,3})`;
const ORG = `(?:the\\s+)?([A-Z][\\w&'’-]*(?:\\s+(?:and\\s+|of\\s+)?[A-Z][\\w&'’-]*){0,5})`;
const HANDOFF = [
  new RegExp(`[Nn]ext month[’']s introduction will be (?:written|provided) by\\s+${NAME}\\s+(?:from|of|at)\\s+${ORG}`),
  new RegExp(`${NAME}\\s+(?:from|of|at)\\s+${ORG}\\s+will be writing (?:next month|the next|this introduction next month)`),
  /[Nn]ext month,?\s+(?:the introduction will be written by\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\s+(?:from|of|at)\s+(?:the\s+)?([A-Z][\w&'’-]*(?:\s+(?:and\s+|of\s+)?[A-Z][\w&'’-]*){0,5})/,
  /pass(?:ing)?\s+the\s+baton\s+(?:on\s+)?to\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\s+(?:from|of|at)\s+(?:the\s+)?([A-Z][\w&'’-]*(?:\s+(?:and\s+|of\s+)?[A-Z][\w&'’-]*){0,5})/,
];

function monthOf(line: string): string | null {
  const m = MONTH_RE.exec(line);
  if (!m) return null;
  const idx = MONTHS.findIndex((name) => name.startsWith(m[1]!.toLowerCase().slice(0, 3)));
  return `${m[2]}-${String(idx + 1).padStart(2, '0')}`;
}

/** The month of a heading that names a season instead ("Christmas 2022", "New Year 2023"). */
function seasonOf(line: string): string | null {
  const m = /\b(christmas|festive|end of (?:the )?year|year[- ]end|winter|new year)\b[^\d]*(\d{4})\b/i.exec(line);
  if (!m) return null;
  return /new year/i.test(m[1]!) ? `${m[2]}-01` : /winter/i.test(m[1]!) ? `${m[2]}-12` : `${m[2]}-12`;
}

const isBullet = (l: string) => BULLET.test(l) || DETAIL.test(l.trim());

/** Whether a line reads as a heading: short, not a sentence, not a list entry, and followed by something. */
function isHeading(line: string, next: string | undefined): boolean {
  const l = line.trim();
  if (!next || isBullet(line) || l.length > 120 || l.split(/\s+/).length > 14) return false;
  if (/[,;]$/.test(l) || (l.endsWith('.') && !isTitleCase(l)) || !/^["“'‘A-Z0-9]/.test(l)) return false;
  return !SENTENCE_START.test(l) && !SIGN_OFF.test(l);
}

const SMALL_WORDS = /^(a|an|and|as|at|by|for|from|in|into|of|on|or|the|to|with)$/i;

/** Whether a line is written in title case ("Regional Social Workers Conference 22nd June 2023."), as headings are and sentences are not. */
function isTitleCase(line: string): boolean {
  const words = line.split(/\s+/).filter((w) => /[\p{L}\d]/u.test(w) && !SMALL_WORDS.test(w));
  return words.length >= 3 && words.filter((w) => /^["“'‘(]?[\p{Lu}\d]/u.test(w)).length >= words.length * 0.75;
}

function looksLikeName(line: string | undefined): boolean {
  if (!line) return false;
  const l = line.trim();
  return l.length <= 60 && l.split(/\s+/).length <= 6 && /^[A-Z]/.test(l) && !/[.:;!?]$/.test(l);
}

/** Names of organisations from the directory mentioned in a text, most mentions first. */
function mentionedOrganisation(text: string, organisations: string[]): string | null {
  let best: { name: string; n: number; at: number } | null = null;
  for (const name of organisations) {
    const re = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi');
    const hits = [...text.matchAll(re)];
    if (!hits.length) continue;
    const cand = { name, n: hits.length, at: hits[0]!.index! };
    if (!best || cand.n > best.n || (cand.n === best.n && cand.at < best.at)) best = cand;
  }
  if (best) return best.name;
  return /\bat ((?:[A-Z][\w-]+\s){1,3}?)(?:County |City |Metropolitan Borough |Borough )?Council\b/.exec(text)?.[1]?.trim() ?? null;
}

function findHandoff(paragraphs: string[]): { author: string; organisation: string; paragraph: number } | null {
  for (let i = paragraphs.length - 1; i >= 0; i--) {
    for (const re of HANDOFF) {
      const m = re.exec(paragraphs[i]!);
      if (m) {
        const organisation = m[2]!
          .replace(/\s+(will|is|who|and|to|so)$/i, '')
          .replace(/\s+(will|is)\b.*$/i, '')
          .trim();
        return { author: m[1]!.trim(), organisation, paragraph: i };
      }
    }
  }
  return null;
}

/** Turns a run of lines into Markdown: paragraphs escaped as written, bullets and event details kept together as a list. */
function toMarkdown(lines: string[]): string {
  const out: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length) out.push(list.join('\n'));
    list = [];
  };
  for (const line of lines) {
    if (line.startsWith(CAPTION)) {
      flush();
      out.push(`**${escapeMarkdown(line.slice(1))}**`);
    } else if (isBullet(line)) list.push(`- ${escapeMarkdown(line.replace(BULLET, '').trim())}`);
    else {
      flush();
      out.push(escapeMarkdown(line.trim()));
    }
  }
  flush();
  return out.join('\n\n');
}

const isTitleLine = (l: string) => Boolean((monthOf(l) || seasonOf(l)) && l.trim().length <= 120);

/** The title line among the first lines, or, for a page without one, a title made from the month in the file's name. */
function findTitle(
  lines: string[],
  fileName: string | undefined,
): { title: string; month: string; at: number; from: 'text' | 'file name' } {
  const at = lines.slice(0, 5).findIndex(isTitleLine);
  if (at >= 0) {
    const title = lines[at]!.trim().replace(/\s+/g, ' ');
    return { title, month: monthOf(title) ?? seasonOf(title)!, at, from: 'text' };
  }
  const base = fileName?.replace(/\.[^.]*$/, '').replace(/[_.]+/g, ' ');
  const numeric = base ? /\b((?:19|20)\d{2})[- ]?(0[1-9]|1[0-2])\b/.exec(base) : null;
  const month = numeric ? `${numeric[1]}-${numeric[2]}` : base ? monthOf(base) : null;
  if (!month)
    throw new BulletinParseError(
      'no heading with a month and year (like "Regional Update – May 2022") in the first lines, and no month in the file name (like 2022-05.txt)',
    );
  const label = new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return { title: `Regional Update – ${label}`, month, at: -1, from: 'file name' };
}

/** Reads bulletin web-page text (title, introduction, sections) into a structure to import; throws BulletinParseError with the reason. */
export function parseBulletin(text: string, opts: { organisations?: string[]; fileName?: string } = {}): ParsedBulletin {
  const dropped: Dropped[] = [];
  const lines = dropPostMetadata(paragraphs(text, dropped), isTitleLine, dropped);
  if (!lines.filter((l) => l !== BREAK).length) throw new BulletinParseError('the file is empty');
  const { title, month, at, from } = findTitle(lines, opts.fileName);
  let forwardingNote: string | null = null;
  const rest = lines.slice(at + 1).filter((l) => {
    if (FORWARDING.test(l) && forwardingNote === null) {
      forwardingNote = l.trim();
      return false;
    }
    if (FOOTER.test(l)) dropped.push({ kind: 'site chrome', text: l.trim() });
    return !FOOTER.test(l);
  });
  const intro = readIntroduction(dropStrayWords(rest, dropped), dropped);
  const handoff = findHandoff(intro.lines);
  const introForOrg = intro.lines.filter((_, i) => i !== handoff?.paragraph).join('\n');
  const organisation =
    (intro.authorRole && mentionedOrganisation(intro.authorRole, opts.organisations ?? [])) ||
    (intro.author || intro.lines.length ? mentionedOrganisation(introForOrg, opts.organisations ?? []) : null);
  return {
    title,
    month,
    introduction: { body: toMarkdown(intro.lines), author: intro.author, organisation, signOff: intro.signOff },
    sections: splitSections(intro.body),
    handoff: handoff ? { author: handoff.author, organisation: handoff.organisation } : null,
    forwardingNote,
    dropped,
    titleFrom: from,
  };
}

/**
 * Drops single words that cannot be headings, which image alt text leaves behind: a file-name-like word, or a word that
 * introduces nothing (the end of the page, a wide gap or another heading comes next). A name under a sign-off is kept.
 */
function dropStrayWords(lines: string[], dropped: Dropped[]): string[] {
  return lines.filter((l, i) => {
    if (!isSingleWord(l) || SIGN_OFF.test(lines[i - 1]?.trim() ?? '') || SIGN_OFF.test(l.trim())) return true;
    const next = lines[i + 1];
    const stray = looksLikeAltText(l) || next === undefined || next === BREAK || isSingleWord(next) || isHeading(next, lines[i + 2]);
    if (stray) dropped.push({ kind: 'stray word', text: l.trim() });
    return !stray;
  });
}

/** The introduction: up to the sign-off ("Best wishes" and a name) and the author's role line, or, without one, to the first heading. */
function readIntroduction(rest: string[], dropped: Dropped[]) {
  let end = rest.findIndex((l, i) => (SIGN_OFF.test(l.trim()) && looksLikeName(rest[i + 1])) || SIGN_OFF_WITH_NAME.test(l.trim()));
  let author: string | null = null;
  let signOff: string | null = null;
  let authorRole: string | null = null;
  let bodyStart: number;
  if (end >= 0) {
    const inline = SIGN_OFF_WITH_NAME.exec(rest[end]!.trim());
    if (inline && !SIGN_OFF.test(rest[end]!.trim())) {
      [signOff, author, bodyStart] = [inline[1]!, inline[2]!, end + 1];
    } else {
      [signOff, author, bodyStart] = [rest[end]!.trim().replace(/[,.!]$/, ''), rest[end + 1]!.trim(), end + 2];
    }
    // A line under the name giving the author's role ("Director of Children's Services, Dudley") belongs to the sign-off.
    const next = rest[bodyStart]?.trim();
    if (next && next.length <= 120 && !/[.:]$/.test(next) && ROLE_LINE.test(next)) {
      authorRole = next;
      bodyStart++;
    }
  } else {
    end = rest.findIndex((l, i) => isHeading(l, rest[i + 1]));
    if (end < 0) end = rest.length;
    bodyStart = end;
  }
  // Before the sign-off nothing is a heading, so a single word left there is alt text too.
  const lines = rest.slice(0, end).filter((l) => {
    if (l === BREAK) return false;
    if (author && isSingleWord(l)) dropped.push({ kind: 'stray word', text: l.trim() });
    return !(author && isSingleWord(l));
  });
  return { lines, author, signOff, authorRole, body: rest.slice(bodyStart) };
}

/** Marks a line that names an event inside an item (its details follow as a list): shown in bold, not as a heading. */
const CAPTION = '\u241f';

/**
 * Splits the body at its headings: "Heading:" lines open sections and other headings open items, unless colons are rare.
 * A section whose heading is followed at once by another heading holds titled items ("Key Events:"): there, a "Heading:"
 * opens a new section only if a heading follows it too. A heading followed by event details (date, time, venue) inside
 * a titled item names the event of that item.
 */
function splitSections(lines: string[]): ParsedBulletin['sections'] {
  const headingAt = lines.map((l, i) => isHeading(l, lines[i + 1]));
  // A heading must introduce content: two headings in a row make the first a paragraph, unless it ends with a colon.
  for (let i = 0; i < lines.length; i++) if (headingAt[i] && headingAt[i + 1] && !lines[i]!.trim().endsWith(':')) headingAt[i] = false;
  const colonMode = lines.filter((l, i) => headingAt[i] && l.trim().endsWith(':')).length >= 2;
  const sections: ParsedBulletin['sections'] = [];
  let section: (ParsedBulletin['sections'][number] & { container: boolean }) | null = null;
  let item: { heading: string | null; lines: string[] } = { heading: null, lines: [] };
  const closeItem = (heading: string | null = null) => {
    if (section && (item.heading || item.lines.length)) section.items.push({ heading: item.heading, body: toMarkdown(item.lines) });
    item = { heading, lines: [] };
  };
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (raw === BREAK) {
      // A wide gap: the text after it is a new item of the same section.
      if (item.lines.length) closeItem();
      continue;
    }
    if (headingAt[i]) {
      const clean = line.replace(/[:.]$/, '').trim();
      const followedByHeading = Boolean(headingAt[i + 1]);
      if (item.heading && item.lines.length && isDetail(lines[i + 1])) item.lines.push(CAPTION + clean);
      else if (!colonMode || !section || (line.endsWith(':') && (!section.container || followedByHeading))) {
        closeItem();
        section = { heading: clean, items: [], container: followedByHeading };
        sections.push(section);
      } else closeItem(clean);
      continue;
    }
    if (!section) {
      section = { heading: null, items: [], container: false };
      sections.push(section);
    }
    item.lines.push(raw);
  }
  closeItem();
  return sections.filter((s) => s.heading || s.items.length).map((s) => ({ heading: s.heading, items: s.items }));
}

const isDetail = (line: string | undefined) => line !== undefined && DETAIL.test(line.replace(BULLET, '').trim());
