import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BulletinParseError, parseBulletin } from './import-parse.js';

const seed = (name: string) => fs.readFileSync(new URL(`../demo/bulletins/${name}`, import.meta.url), 'utf8');
const councils = ['Warwickshire', 'Worcestershire', 'Staffordshire', 'Coventry', 'Walsall', 'Dudley'];

describe('parseBulletin on the seed bulletins', () => {
  it('reads May 2022: title, month, introduction and author, hand-off, sections and event details', () => {
    const b = parseBulletin(seed('2022-05-regional-update.txt'), { organisations: councils });
    expect(b.title).toBe('Regional Update – May 2022');
    expect(b.month).toBe('2022-05');
    expect(b.introduction.author).toBe('Nigel Minns');
    expect(b.introduction.organisation).toBe('Warwickshire');
    expect(b.introduction.signOff).toBe('Best wishes');
    expect(b.introduction.body).toMatch(/^This month I pick up the baton/);
    expect(b.introduction.body).toContain('I now pass the baton on to her!');
    expect(b.handoff).toEqual({ author: 'Tina Russell', organisation: 'Worcestershire' });
    expect(b.forwardingNote).toContain('circulated electronically');
    expect(b.sections.map((s) => s.heading)).toEqual(['Regional Priority Plan', 'Let’s Talk Family Hubs', 'RIIA activity', 'Key Updates']);
    expect(b.sections[0]!.items[0]!.body).toContain('- Recruitment, retention, and staff development.');
    const event = b.sections[3]!.items.find((i) => i.heading === 'Family Safeguarding, cultural change and working with fathers')!;
    expect(event.body).toMatch(/- Date, Thursday 30th June\n- Time 9\.30-4\.30\n- Venue; Fazeley room/);
    const last = b.sections[3]!.items.at(-1)!;
    expect(last.heading).toBeNull();
    expect(last.body).toMatch(/^As you may be aware, Staff College/);
    const all = JSON.stringify(b);
    for (const chrome of ['top of page', 'bottom of page', '60 views', 'Recent Posts', 'See All', 'CLICK HERE'])
      expect(all).not.toContain(chrome);
  });

  it('reads April 2023: author without a hand-off line, a notice before the first heading', () => {
    const b = parseBulletin(seed('2023-04-regional-update.txt'), { organisations: councils });
    expect(b.month).toBe('2023-04');
    expect(b.introduction.author).toBe('Neelam Bhardwaja');
    expect(b.introduction.organisation).toBe('Staffordshire');
    expect(b.handoff).toBeNull();
    expect(b.sections[0]).toMatchObject({ heading: null });
    expect(b.sections[0]!.items[0]!.body).toContain('Ramadan');
    expect(b.sections.map((s) => s.heading)).toContain('Changes in Network leadership');
    expect(b.sections.find((s) => s.heading === 'Key Events')!.items[0]!.heading).toBe('Equality Diversity and Inclusion Programmes');
  });
});

describe('parseBulletin on bulletins shaped otherwise', () => {
  it('takes an introduction from the chair with no sign-off, up to the first heading', () => {
    const text = [
      'Regional Update - December 2023',
      'As this year draws to a close, I want to thank every one of you for your work.',
      'It has been a year of change for the network.',
      'Next month, Sam Patel from Coventry will be writing this introduction.',
      'Key dates for the new year',
      'The network meets on 12 January.',
      'Sharing practice',
      'Dudley have published their new family hubs guide.',
    ].join('\n\n');
    const b = parseBulletin(text, { organisations: councils });
    expect(b.month).toBe('2023-12');
    expect(b.introduction.author).toBeNull();
    expect(b.introduction.body).toContain('draws to a close');
    expect(b.handoff).toEqual({ author: 'Sam Patel', organisation: 'Coventry' });
    expect(b.sections.map((s) => s.heading)).toEqual(['Key dates for the new year', 'Sharing practice']);
  });

  it('reads headings without colons as sections when colons are rare, and keeps bullets as a list', () => {
    const text = [
      'top of page',
      'Regional Update – Sept 2024',
      'Kind regards,',
      'Jenny Turnross',
      'Workforce',
      '• One',
      '• Two',
      'Events',
      'Date: 3 October 2024',
      'Time: 10:00 to 12:00',
      'Venue: Online via Microsoft Teams',
      '12 views',
      'bottom of page',
    ].join('\n');
    const b = parseBulletin(text);
    expect(b.month).toBe('2024-09');
    expect(b.introduction.author).toBe('Jenny Turnross');
    expect(b.introduction.signOff).toBe('Kind regards');
    expect(b.sections.map((s) => s.heading)).toEqual(['Workforce', 'Events']);
    expect(b.sections[0]!.items[0]!.body).toBe('- One\n- Two');
    expect(b.sections[1]!.items[0]!.body).toBe('- Date: 3 October 2024\n- Time: 10:00 to 12:00\n- Venue: Online via Microsoft Teams');
  });

  it('keeps imported text as written, never as markup', () => {
    const b = parseBulletin('Regional Update – May 2025\n\nNews:\n\n<script>alert(1)</script> and *stars*\n\nMore:\n\nx');
    expect(b.sections[0]!.items[0]!.body).toBe('\\<script\\>alert(1)\\</script\\> and \\*stars\\*');
  });

  it('says why it cannot read a text', () => {
    expect(() => parseBulletin('')).toThrow(BulletinParseError);
    expect(() => parseBulletin('Just some notes\n\nwith no date')).toThrow(/month and year/);
  });
});

describe('parseBulletin on more shapes', () => {
  it('reads a sign-off with the name on the same line and a role line under it', () => {
    const b = parseBulletin(
      'Regional Update – March 2024\n\nThank you all for a busy month.\n\nKind regards, Sam Patel\n\nDirector of Children’s Services, Coventry\n\nKey dates:\n\nThe network meets.\n\nNews:\n\nMore.',
      { organisations: councils },
    );
    expect(b.introduction).toMatchObject({ author: 'Sam Patel', signOff: 'Kind regards', organisation: 'Coventry' });
    expect(b.sections.map((s) => s.heading)).toEqual(['Key dates', 'News']);
  });

  it('reads hand-off lines written other ways', () => {
    const a = parseBulletin(
      "Regional Update – May 2024\n\nHello.\n\nNext month's introduction will be written by Jo Britton from Telford and Wrekin.\n\nNews:\n\nx\n\nMore:\n\ny",
    );
    expect(a.handoff).toEqual({ author: 'Jo Britton', organisation: 'Telford and Wrekin' });
    const b = parseBulletin(
      'Regional Update – June 2024\n\nHello.\n\nTina Russell from Worcestershire will be writing next month.\n\nNews:\n\nx\n\nMore:\n\ny',
    );
    expect(b.handoff).toEqual({ author: 'Tina Russell', organisation: 'Worcestershire' });
  });

  it('dates an end-of-year message without a month in its heading', () => {
    const b = parseBulletin('Regional Update – Christmas 2023\n\nAs the year ends, thank you.\n\nBest wishes\n\nJenny Turnross');
    expect(b.month).toBe('2023-12');
    expect(b.introduction.author).toBe('Jenny Turnross');
  });
});
