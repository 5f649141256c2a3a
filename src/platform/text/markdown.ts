import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

// Links open in the same tab and are marked up plainly; only web and mail addresses survive.
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'b',
    'i',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
    'code',
    'pre',
    'h3',
    'h4',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { class: 'govuk-link' }),
    p: sanitizeHtml.simpleTransform('p', { class: 'govuk-body' }),
    ul: sanitizeHtml.simpleTransform('ul', { class: 'govuk-list govuk-list--bullet' }),
    ol: sanitizeHtml.simpleTransform('ol', { class: 'govuk-list govuk-list--number' }),
  },
};
SANITIZE.allowedAttributes = { a: ['href', 'class'], p: ['class'], ul: ['class'], ol: ['class'] };

/** Renders Markdown typed or imported by anyone to HTML that can carry no script, handler or javascript: URL. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(md.render(source), SANITIZE);
}

/** Renders Markdown for email: the same safety, without the site's CSS classes. */
export function renderMarkdownPlain(source: string): string {
  return sanitizeHtml(md.render(source), { ...SANITIZE, transformTags: {}, allowedAttributes: { a: ['href'] } });
}

/** Escapes plain text so that Markdown shows it as written (used by the importer). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_[\]<>|])/g, '\\$1')
    .replace(/^(\s*)([#>+-])/g, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/g, '$1\\$2');
}

/** Plain text of Markdown, for search and for the text part of emails. */
export function markdownToText(source: string): string {
  // Paragraphs stay apart by a blank line and list items keep their dash, as a reader of plain text expects.
  const html = md
    .render(source)
    .replace(/<li>/g, '<li>- ')
    .replace(/<\/(p|h[1-6]|blockquote|ul|ol)>\n/g, '</$1>\n\n');
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
