import type Mjml from 'mjml';
import { escapeHtml } from '../../platform/http/escape.js';
import { markdownToText, renderMarkdownPlain } from '../../platform/text/markdown.js';
import type { EmailEdition } from '../bulletin/read-model.js';

/** Placeholders filled in per recipient; they survive MJML and contain nothing HTML would change. */
export const PLACEHOLDER = { name: '%%BATON_NAME%%', unsubscribe: '%%BATON_UNSUBSCRIBE%%' } as const;

/** An edition rendered once for a send: HTML and text with placeholders for each recipient. */
export interface RenderedEdition {
  subject: string;
  html: string;
  text: string;
}

const FONT = 'Arial, Helvetica, sans-serif';
// An untitled item after another item starts after a rule, so that it does not read as part of the item above it.
const UNTITLED_BREAK = '<mj-divider border-width="1px" border-color="#b1b4b6" padding="8px 25px" />';

// MJML loads about 650 CommonJS files (0.4 s, tens of MB): it is imported on the first email render, not at start.
let mjml: Promise<typeof Mjml> | undefined;
const loadMjml = () => (mjml ??= import('mjml').then((m) => m.default));

/** Markdown links as "words (address)" so the text part keeps where they point. */
function textWithLinks(md: string): string {
  return markdownToText(md.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)'));
}

/**
 * Renders an edition as an email (MJML for Outlook and Gmail, plus a plain-text part) from the same content as the web
 * page: the bulletin's email read model, whose Markdown is rendered here once for HTML (the web presenter is not run).
 */
export async function renderEmailEdition(
  e: EmailEdition,
  opts: { baseUrl: string; networkName: string; webUrl: string },
): Promise<RenderedEdition> {
  const settings = e.settings;
  const esc = escapeHtml;
  const mdHtml = (md: string) => renderMarkdownPlain(md).replace(/<a href=/g, '<a style="color:#1d70b8;" href=');
  const intro = e.hasIntro
    ? `<mj-text font-size="22px" font-weight="bold" padding-top="24px">Introduction</mj-text>
       <mj-text>${mdHtml(e.introBody)}${e.handoffLine ? `<p>${esc(e.handoffLine)}</p>` : ''}${e.introAuthor ? `<p>${esc(e.introSignOff ?? 'Best wishes')}</p><p><strong>${esc(e.introAuthor)}</strong>${e.introOrganisation ? `<br>${esc(e.introOrganisation)}` : ''}</p>` : ''}</mj-text>`
    : '';
  const sections = e.sections
    .map(
      (s) => `${s.heading ? `<mj-text font-size="22px" font-weight="bold" padding-top="24px">${esc(s.heading)}</mj-text>` : ''}
      ${s.items.map((it, k) => `${!it.heading && k > 0 ? UNTITLED_BREAK : ''}<mj-text>${it.heading ? `<h3 style="font-size:18px;margin:0 0 8px 0;">${esc(it.heading)}</h3>` : ''}${mdHtml(it.body)}</mj-text>`).join('\n')}`,
    )
    .join('\n');
  const source = `<mjml lang="en">
  <mj-head>
    <mj-title>${esc(e.title)}</mj-title>
    <mj-preview>${esc(e.title)}${e.introAuthor ? `: introduction by ${esc(e.introAuthor)}` : ''}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT}" />
      <mj-text font-size="16px" line-height="24px" color="#0b0c0c" padding="8px 24px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f3f2f1" width="640px">
    <mj-section background-color="#1d4f76" padding="16px 0">
      <mj-column><mj-text color="#ffffff" font-size="20px" font-weight="bold">${esc(opts.networkName)}</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="8px 0 24px">
      <mj-column>
        <mj-text font-size="14px" color="#505a5f" padding-top="16px"><a href="${esc(opts.webUrl)}" style="color:#1d70b8;">View this edition in your browser</a></mj-text>
        <mj-text font-size="30px" line-height="36px" font-weight="bold">${esc(e.title)}</mj-text>
        <mj-text font-size="14px" line-height="20px" color="#505a5f">${esc(settings.forwardingNote)}</mj-text>
        <mj-text>Dear ${PLACEHOLDER.name},</mj-text>
        ${intro}
        ${sections}
        <mj-divider border-color="#b1b4b6" border-width="1px" padding="24px 24px 8px" />
        <mj-text font-size="14px" line-height="20px">If you have any comments or feedback on the bulletin, please email <a href="mailto:${esc(settings.feedbackEmail)}" style="color:#1d70b8;">${esc(settings.feedbackEmail)}</a>. For additions to the mailing list, <a href="${esc(absolute(settings.mailingListUrl, opts.baseUrl))}" style="color:#1d70b8;">use this link</a>.</mj-text>
        <mj-text font-size="14px" line-height="20px"><a href="${PLACEHOLDER.unsubscribe}" style="color:#1d70b8;">Unsubscribe</a> from this list.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
  const mjml2html = await loadMjml();
  const result = await mjml2html(source, { validationLevel: 'soft', keepComments: false });
  const text = [
    e.title,
    `View it in your browser: ${opts.webUrl}`,
    settings.forwardingNote,
    `Dear ${PLACEHOLDER.name},`,
    ...(e.hasIntro
      ? [
          'INTRODUCTION',
          textWithLinks(e.introBody),
          ...(e.handoffLine ? [e.handoffLine] : []),
          ...(e.introAuthor ? [e.introSignOff ?? 'Best wishes', [e.introAuthor, e.introOrganisation].filter(Boolean).join(', ')] : []),
        ]
      : []),
    ...e.sections.flatMap((s) => [
      ...(s.heading ? [s.heading.toUpperCase()] : []),
      ...s.items.flatMap((it, k) => [...(it.heading ? [it.heading] : k > 0 ? ['* * *'] : []), textWithLinks(it.body)]),
    ]),
    '--',
    `Comments or feedback: ${settings.feedbackEmail}. Additions to the mailing list: ${absolute(settings.mailingListUrl, opts.baseUrl)}`,
    `Unsubscribe: ${PLACEHOLDER.unsubscribe}`,
  ].join('\n\n');
  return { subject: e.title, html: result.html, text };
}

function absolute(url: string, base: string): string {
  return url.startsWith('/') ? `${base}${url}` : url;
}

/** Fills in one recipient's name and unsubscribe link; cheap, so an edition is rendered once per send. */
export function personalise(
  r: RenderedEdition,
  recipient: { name: string | null; unsubscribeUrl: string },
): { html: string; text: string } {
  const name = recipient.name?.trim() || 'colleague';
  return {
    html: r.html.replaceAll(PLACEHOLDER.name, escapeHtml(name)).replaceAll(PLACEHOLDER.unsubscribe, escapeHtml(recipient.unsubscribeUrl)),
    text: r.text.replaceAll(PLACEHOLDER.name, name).replaceAll(PLACEHOLDER.unsubscribe, recipient.unsubscribeUrl),
  };
}
