import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownToText, renderMarkdown } from './markdown.js';

describe('markdown', () => {
  it('renders lists and links with GOV.UK classes', () => {
    const html = renderMarkdown('Intro\n\n- one\n- two\n\n[Book](https://example.org/book)');
    expect(html).toContain('<ul class="govuk-list govuk-list--bullet">');
    expect(html).toContain('<a href="https://example.org/book" class="govuk-link">Book</a>');
  });

  it.each([
    ['<script>alert(1)</script>', '<script'],
    ['<img src=x onerror=alert(1)>', 'onerror'],
    ['[x](javascript:alert(1))', 'javascript:'],
    ['[x](JaVaScRiPt:alert(1))', 'avascript:'],
    ['<a href="javascript:alert(1)">x</a>', 'javascript:'],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', 'data:'],
    ['<svg onload=alert(1)>', 'onload'],
    ['<iframe src="https://evil.example"></iframe>', '<iframe'],
  ])('lets no script through: %s', (input, forbidden) => {
    // Text may still read "onerror" as words; what matters is that no tag or attribute carries it.
    const tags = (renderMarkdown(input).match(/<[^>]+>/g) ?? []).join(' ').toLowerCase();
    expect(tags).not.toContain(forbidden.toLowerCase());
    expect(tags).not.toMatch(/<(script|img|svg|iframe)/);
  });

  it('escapes imported text so it shows as written', () => {
    const text = '1. Not a list *really* _here_ <b>x</b> [y]';
    expect(markdownToText(escapeMarkdown(text))).toBe(text);
    expect(renderMarkdown(escapeMarkdown('# not a heading'))).not.toContain('<h1');
  });
});

describe('markdownToText', () => {
  it('keeps paragraphs apart and list items marked', () => {
    expect(markdownToText('One para.\n\nTwo para.\n\n- a\n- b')).toBe('One para.\n\nTwo para.\n\n- a\n- b');
  });
});
