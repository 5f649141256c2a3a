import { escapeMarkdown } from '../../platform/text/markdown.js';

/** What the importer read from one bulletin's web-page text. */
export interface ParsedBulletin {
  title: string;
  /** YYYY-MM */
  month: string;
  introduction: { body: string; author: string | null; organisation: string | null; signOff: string | null };
  sections: Array<{ heading: string | null; items: Array<{ heading: string | null; body: string }> }>;
  handoff: { author: string; organisation: string } | null;
  forwardingNote: string | null;
}

/** A text the importer cannot read as a bulletin, with the reason. */
export class BulletinParseError extends Error {}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE =
  /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?,?\s+(\d{4})\b/i;
const CHROME = [
  /^top of page$/i,
  /^bottom of page$/i,
  /^\d+\s*views?(\s*\d+\s*comments?)?$/i,
  /^\d+\s*comments?$/i,
  /^see all$/i,
  /^skip to (main )?content$/i,
  /^(log in|sign in)$/i,
  /^share( this post)?$/i,
];
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

/** Drops the old site's chrome and everything from "Recent Posts" on, keeping one entry per line. */
function cleanLines(text: string): string[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''));
  const recent = lines.findIndex((l) => /^recent posts$/i.test(l.trim()));
  const kept = recent >= 0 ? lines.slice(0, recent) : lines;
  return kept.filter((l) => !CHROME.some((re) => re.test(l.trim())));
}

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
  if (/[.,;]$/.test(l) || !/^["“'‘A-Z0-9]/.test(l) || SENTENCE_START.test(l) || SIGN_OFF.test(l)) return false;
  return true;
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
    if (isBullet(line)) list.push(`- ${escapeMarkdown(line.replace(BULLET, '').trim())}`);
    else {
      flush();
      out.push(escapeMarkdown(line.trim()));
    }
  }
  flush();
  return out.join('\n\n');
}

/** Stands for two or more blank lines in a row, which old pages used between untitled items. */
const BREAK = '\u241e';

/** Drops blank lines, keeping a BREAK where two or more came together. */
function markBreaks(lines: string[]): string[] {
  const out: string[] = [];
  let blanks = 0;
  for (const l of lines) {
    if (l.trim() === '') {
      blanks++;
      continue;
    }
    if (blanks >= 2 && out.length) out.push(BREAK);
    blanks = 0;
    out.push(l);
  }
  return out;
}

/** Reads bulletin web-page text (title, introduction, sections) into a structure to import; throws BulletinParseError with the reason. */
export function parseBulletin(text: string, opts: { organisations?: string[] } = {}): ParsedBulletin {
  const lines = markBreaks(cleanLines(text));
  if (!lines.filter((l) => l !== BREAK).length) throw new BulletinParseError('the file is empty');
  const titleIdx = lines.slice(0, 5).findIndex((l) => (monthOf(l) || seasonOf(l)) && l.trim().length <= 120);
  if (titleIdx < 0) throw new BulletinParseError('no heading with a month and year (like "Regional Update – May 2022") in the first lines');
  const title = lines[titleIdx]!.trim().replace(/\s+/g, ' ');
  const month = monthOf(title) ?? seasonOf(title)!;
  let rest = lines.slice(titleIdx + 1);

  let forwardingNote: string | null = null;
  rest = rest.filter((l) => {
    if (FORWARDING.test(l) && forwardingNote === null) {
      forwardingNote = l.trim();
      return false;
    }
    return !FOOTER.test(l);
  });

  // The introduction runs to the sign-off ("Best wishes" and a name), or, without one, to the first heading.
  let introEnd = rest.findIndex((l, i) => (SIGN_OFF.test(l.trim()) && looksLikeName(rest[i + 1])) || SIGN_OFF_WITH_NAME.test(l.trim()));
  let author: string | null = null;
  let signOff: string | null = null;
  let authorRole: string | null = null;
  let bodyStart: number;
  if (introEnd >= 0) {
    const inline = SIGN_OFF_WITH_NAME.exec(rest[introEnd]!.trim());
    if (inline && !SIGN_OFF.test(rest[introEnd]!.trim())) {
      signOff = inline[1]!;
      author = inline[2]!;
      bodyStart = introEnd + 1;
    } else {
      signOff = rest[introEnd]!.trim().replace(/[,.!]$/, '');
      author = rest[introEnd + 1]!.trim();
      bodyStart = introEnd + 2;
    }
    // A line under the name giving the author's role ("Director of Children's Services, Dudley") belongs to the sign-off.
    const next = rest[bodyStart]?.trim();
    if (next && next.length <= 120 && !/[.:]$/.test(next) && ROLE_LINE.test(next)) {
      authorRole = next;
      bodyStart++;
    }
  } else {
    introEnd = rest.findIndex((l, i) => isHeading(l, rest[i + 1]));
    if (introEnd < 0) introEnd = rest.length;
    bodyStart = introEnd;
  }
  const introLines = rest.slice(0, introEnd).filter((l) => l !== BREAK);
  const handoff = findHandoff(introLines);
  const introForOrg = introLines.filter((_, i) => i !== handoff?.paragraph).join('\n');
  const organisation =
    (authorRole && mentionedOrganisation(authorRole, opts.organisations ?? [])) ||
    (author || introLines.length ? mentionedOrganisation(introForOrg, opts.organisations ?? []) : null);

  const sections = splitSections(rest.slice(bodyStart));
  return {
    title,
    month,
    introduction: { body: toMarkdown(introLines), author, organisation, signOff },
    sections,
    handoff: handoff ? { author: handoff.author, organisation: handoff.organisation } : null,
    forwardingNote,
  };
}

/** Splits the body at its headings: "Heading:" lines open sections and other headings open items, unless colons are rare. */
function splitSections(lines: string[]): ParsedBulletin['sections'] {
  const headingAt = lines.map((l, i) => isHeading(l, lines[i + 1]));
  // A heading must introduce content: two headings in a row make the first a paragraph, unless it ends with a colon.
  for (let i = 0; i < lines.length; i++) if (headingAt[i] && headingAt[i + 1] && !lines[i]!.trim().endsWith(':')) headingAt[i] = false;
  const colonHeadings = lines.filter((l, i) => headingAt[i] && l.trim().endsWith(':')).length;
  const colonMode = colonHeadings >= 2;
  const sections: ParsedBulletin['sections'] = [];
  let section: ParsedBulletin['sections'][number] | null = null;
  let item: { heading: string | null; lines: string[] } | null = null;
  const closeItem = () => {
    if (item && section && (item.heading || item.lines.length)) section.items.push({ heading: item.heading, body: toMarkdown(item.lines) });
    item = null;
  };
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (raw === BREAK) {
      // Blank lines apart: the text after them is a new item of the same section.
      if (item && (item as { lines: string[] }).lines.length) {
        closeItem();
        item = { heading: null, lines: [] };
      }
      continue;
    }
    if (headingAt[i]) {
      const clean = line.replace(/:$/, '').trim();
      if (!colonMode || line.endsWith(':') || !section) {
        closeItem();
        section = { heading: clean, items: [] };
        sections.push(section);
        item = { heading: null, lines: [] };
      } else {
        closeItem();
        item = { heading: clean, lines: [] };
      }
      continue;
    }
    if (!section) {
      section = { heading: null, items: [] };
      sections.push(section);
    }
    if (!item) item = { heading: null, lines: [] };
    (item as { lines: string[] }).lines.push(raw);
  }
  closeItem();
  return sections.filter((s) => s.heading || s.items.length);
}
