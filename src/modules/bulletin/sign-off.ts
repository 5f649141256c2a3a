// Whether an introduction already ends with its author's sign-off, so the edition does not add a second one.

/** The sign-off an edition shows when its author gave none. */
export const DEFAULT_SIGN_OFF = 'Best wishes';

const VALEDICTION =
  /^(best wishes|best|kind regards|kindest regards|warm regards|warmest regards|regards|many thanks|thanks|thank you|with thanks|all the best|yours sincerely|sincerely|with best wishes)$/;

/** A line of Markdown as words: emphasis, escapes and trailing punctuation removed, spaces collapsed, lower case. */
function plain(line: string): string {
  return line
    .replace(/\\(.)/g, '$1')
    .replace(/[*_`]+/g, '')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[,.!;:—–-]+$/, '')
    .trim()
    .toLowerCase();
}

/**
 * True when the introduction's last lines are already a sign-off: a closing such as "Best wishes" (or the edition's own
 * sign-off) or the author's name, e.g. a text ending "Best wishes\nGrace Iqbal" or "Grace".
 */
export function endsWithSignOff(body: string, author: string | null, signOff: string | null): boolean {
  const lines = body
    .split(/\r?\n/)
    .map(plain)
    .filter((l) => l.length > 0)
    .slice(-3);
  if (!lines.length) return false;
  const name = author ? plain(author) : '';
  const first = name.split(' ')[0] ?? '';
  const closing = signOff ? plain(signOff) : '';
  return lines.some(
    (l, i) =>
      VALEDICTION.test(l) ||
      (closing !== '' && l === closing) ||
      // The name counts only as the last line or just after a closing, so "Grace Iqbal said…" mid-text does not.
      (name !== '' && i >= lines.length - 2 && (l === name || l === first || l.startsWith(`${name},`))),
  );
}
