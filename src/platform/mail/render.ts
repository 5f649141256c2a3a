import { escapeHtml } from '../http/escape.js';

/** A simple transactional email: paragraphs and an optional button, as text and Outlook-safe HTML. */
export interface SimpleEmail {
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Lines after the action, e.g. a one-time code or a note. */
  after?: string[];
  footer: string;
}

/** Renders a transactional email to both parts from one description, so they never disagree. */
export function renderSimpleEmail(email: SimpleEmail): { text: string; html: string } {
  const text = [
    email.heading,
    '',
    ...email.paragraphs.flatMap((p) => [p, '']),
    ...(email.action ? [`${email.action.label}: ${email.action.url}`, ''] : []),
    ...(email.after ?? []).flatMap((p) => [p, '']),
    '--',
    email.footer,
  ].join('\n');
  const p = (s: string) =>
    `<p style="margin:0 0 16px 0;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:24px;color:#0b0c0c;">${escapeHtml(s)}</p>`;
  const button = email.action
    ? `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px 0;"><tr><td bgcolor="#00703c" style="padding:12px 20px;"><a href="${escapeHtml(email.action.url)}" style="font-family:Arial,Helvetica,sans-serif;font-size:16px;color:#ffffff;text-decoration:none;font-weight:bold;">${escapeHtml(email.action.label)}</a></td></tr></table>`
    : '';
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(email.heading)}</title></head>
<body style="margin:0;padding:0;background:#f3f2f1;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f2f1;"><tr><td align="center" style="padding:16px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;"><tr><td style="padding:24px;">
<h1 style="margin:0 0 16px 0;font-family:Arial,Helvetica,sans-serif;font-size:24px;line-height:30px;color:#0b0c0c;">${escapeHtml(email.heading)}</h1>
${email.paragraphs.map(p).join('\n')}
${button}
${(email.after ?? []).map(p).join('\n')}
<p style="margin:24px 0 0 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;color:#505a5f;">${escapeHtml(email.footer)}</p>
</td></tr></table></td></tr></table></body></html>`;
  return { text, html };
}
