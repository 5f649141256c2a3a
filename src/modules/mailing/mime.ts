import crypto from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import addressparser from 'nodemailer/lib/addressparser';
import { escapeHtml } from '../../platform/http/escape.js';
import { PLACEHOLDER, type RenderedEdition } from './email.js';

/**
 * A whole MIME message built once per send, with slots for each recipient. Sending raw bytes skips composing and
 * encoding 20-30 KB per message, which is most of the cost of a send. Parts are 8bit (every current SMTP server
 * announces 8BITMIME), with lines kept under the 998-octet limit.
 */
export interface RawTemplate {
  head: string;
  text: string;
  html: string;
  tail: string;
}

const SLOT = { to: '%%BATON_TO%%', date: '%%BATON_DATE%%', id: '%%BATON_MSGID%%', token: '%%BATON_TOKEN%%' } as const;

// Names are refused with line breaks at input (platform/validation.ts); older rows, or rows put in another way, still
// never reach a header raw.
const oneLine = (text: string) =>
  text
    .replace(/[\x00-\x1f\x7f\u0085\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const fold = (header: string, value: string) => foldLines(`${header}: ${value}`, 76);

/**
 * An unstructured header line such as Subject, through Nodemailer's header encoder: RFC 2047 encoded words for
 * non-ASCII and control characters, no line breaks, folded under 78 columns with CRLF.
 */
export function textHeader(header: string, value: string): string {
  return fold(header, MimeNode.encodeHeaderValue(header, oneLine(value)));
}

/**
 * The value of a header naming one mailbox, through Nodemailer's address encoder: the name becomes an RFC 5322 quoted
 * string, or RFC 2047 encoded words if it is not ASCII, so a comma, angle bracket or quote in it can never add an address.
 */
export function mailboxValue(name: string | null | undefined, address: string): string {
  return MimeNode.encodeHeaderValue('To', { name: oneLine(name ?? ''), address: address.trim() });
}

/** The value of List-Id: RFC 2919 gives it the grammar of a display name and address, a phrase then the id in angle brackets. */
export function listIdValue(listName: string, id: string): string {
  return mailboxValue(oneLine(listName) || id, id);
}

/** Keeps every line under 998 octets by breaking long ones at a space or after a tag, and makes line ends CRLF. */
export function wrapLines(body: string, max = 700): string {
  const out: string[] = [];
  for (let line of body.replace(/\r\n?/g, '\n').split('\n')) {
    while (Buffer.byteLength(line) > max) {
      const window = line.slice(0, max);
      const space = window.lastIndexOf(' ');
      const tag = window.lastIndexOf('>');
      const at = Math.max(space, tag);
      if (at <= 0) {
        out.push(line.slice(0, max));
        line = line.slice(max);
      } else if (at === space) {
        out.push(line.slice(0, space));
        line = line.slice(space + 1);
      } else {
        out.push(line.slice(0, tag + 1));
        line = line.slice(tag + 1);
      }
    }
    out.push(line);
  }
  return out.join('\r\n');
}

/** Builds the message template of a send: headers with one-click unsubscribe, a text part and an HTML part. */
export function buildRawTemplate(
  r: RenderedEdition,
  opts: { from: string; baseUrl: string; unsubscribePath: string; list: { name: string; id: string }; mailbox: string },
): RawTemplate {
  const [from] = addressparser(opts.from, { flatten: true });
  const boundary = `baton-${crypto.randomBytes(12).toString('hex')}`;
  const unsubscribeUrl = `${opts.baseUrl}${opts.unsubscribePath.replace('TOKEN', SLOT.token)}`;
  const head = [
    fold('From', from ? mailboxValue(from.name, from.address) : opts.from),
    SLOT.to,
    textHeader('Subject', r.subject),
    `Date: ${SLOT.date}`,
    `Message-ID: <${SLOT.id}>`,
    'MIME-Version: 1.0',
    `List-Unsubscribe: <${unsubscribeUrl}>,\r\n <mailto:${opts.mailbox}?subject=unsubscribe%20${SLOT.token}>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    fold('List-Id', listIdValue(opts.list.name, opts.list.id)),
    'Precedence: bulk',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  const middle = `\r\n--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`;
  const unsubscribe = (s: string) => s.replaceAll(PLACEHOLDER.unsubscribe, () => unsubscribeUrl);
  return {
    head,
    text: unsubscribe(wrapLines(r.text)) + middle,
    html: unsubscribe(wrapLines(r.html)),
    tail: `\r\n--${boundary}--\r\n`,
  };
}

/**
 * One recipient's message: the template with their address, name, token, date and message id filled in. Every
 * replacement is a function, so a `$'` or `$&` in a name is text, never a replacement pattern that copies the headers.
 */
export function rawMessage(t: RawTemplate, recipient: { email: string; name: string | null; token: string; messageId: string }): string {
  const name = oneLine(recipient.name ?? '') || 'colleague';
  const token = () => recipient.token;
  const head = t.head
    .replace(SLOT.to, () => fold('To', mailboxValue(recipient.name, recipient.email)))
    .replace(SLOT.date, () => new Date().toUTCString().replace('GMT', '+0000'))
    .replace(SLOT.id, () => recipient.messageId)
    .replaceAll(SLOT.token, token);
  return (
    head +
    t.text.replaceAll(PLACEHOLDER.name, () => name).replaceAll(SLOT.token, token) +
    t.html.replaceAll(PLACEHOLDER.name, () => escapeHtml(name)).replaceAll(SLOT.token, token) +
    t.tail
  );
}
