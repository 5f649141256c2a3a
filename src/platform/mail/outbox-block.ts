import type { OutgoingMail } from './mailer.js';

const URL_RE = /https?:\/\/[^\s<>"')\]]+/g;
const WIDTH = 72;

/** The links and codes a reader of the development outbox is after: links holding a secret (or else the first link), and codes. */
export function outboxEssentials(mail: Pick<OutgoingMail, 'text' | 'secrets'>): { links: string[]; codes: string[] } {
  const secrets = mail.secrets ?? [];
  const urls = [...new Set(mail.text.match(URL_RE) ?? [])];
  const withSecret = urls.filter((u) => secrets.some((s) => u.includes(s)));
  const codes = secrets.filter((s) => /^\d{4,8}$/.test(s) && mail.text.includes(s));
  return { links: withSecret.length ? withSecret : urls.slice(0, 1), codes };
}

/**
 * One development-outbox email as a framed block for the terminal: who it is to and its subject, then its link and code,
 * then the text. Long lines are left whole (a link must stay copyable); the frame is drawn on the left only for that reason.
 */
export function formatOutboxBlock(mail: Pick<OutgoingMail, 'to' | 'cc' | 'subject' | 'text' | 'secrets'>): string {
  const { links, codes } = outboxEssentials(mail);
  const head = [
    `To:      ${mail.to}${mail.cc ? ` (copy to ${mail.cc})` : ''}`,
    `Subject: ${mail.subject}`,
    ...links.map((l) => `Link:    ${l}`),
    ...codes.map((c) => `Code:    ${c}`),
  ];
  const body = mail.text.replace(/\r\n?/g, '\n').trimEnd().split('\n');
  const title = '─ Development outbox (no SMTP_URL: this email was not sent) ';
  return [
    `┌${title}${'─'.repeat(Math.max(3, WIDTH - title.length))}`,
    ...head.map((l) => `│ ${l}`),
    '├' + '─'.repeat(WIDTH),
    ...body.map((l) => (l ? `│ ${l}` : '│')),
    '└' + '─'.repeat(WIDTH),
  ].join('\n');
}

/** Prints a development-outbox email: a framed block on a terminal, one structured log entry where logs are JSON. */
export function printOutbox(
  mail: Pick<OutgoingMail, 'to' | 'cc' | 'subject' | 'text' | 'secrets'>,
  format: 'pretty' | 'json',
  log?: { info: (obj: object, msg: string) => void },
): void {
  if (format === 'pretty') {
    console.log(`\n${formatOutboxBlock(mail)}\n`);
    return;
  }
  const entry = { outbox: { to: mail.to, subject: mail.subject, ...outboxEssentials(mail) } };
  if (log) log.info(entry, 'email kept in the development outbox (no SMTP_URL)');
  else console.log(JSON.stringify({ level: 30, time: Date.now(), ...entry, msg: 'email kept in the development outbox (no SMTP_URL)' }));
}
