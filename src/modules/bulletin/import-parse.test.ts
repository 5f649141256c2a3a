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
    const event = b.sections[3]!.items[0]!;
    expect(event.body).toMatch(
      /\*\*Family Safeguarding, cultural change and working with fathers\*\*\n\n- Date, Thursday 30th June\n- Time 9\.30-4\.30\n- Venue; Fazeley room/,
    );
    const last = b.sections[3]!.items.at(-1)!;
    expect(last.heading).toBeNull();
    expect(last.body).toMatch(/^As you may be aware, Staff College/);
    const all = JSON.stringify({ ...b, dropped: [] });
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
    const b = parseBulletin('Regional Update – May 2025\n\nNews:\n\n<script>alert(1)</script> and *stars*\n\nMore:\n\nMore news.');
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

/** The bulletin as a reader would outline it: "# section", "## item" (or "## (untitled) first words"), one line each. */
function outline(b: ReturnType<typeof parseBulletin>): string[] {
  return b.sections.flatMap((s) => [
    `# ${s.heading ?? '(untitled)'}`,
    ...s.items.map((i) => `## ${i.heading ?? `(untitled) ${i.body.split(/\s+/).slice(0, 4).join(' ')}`}`),
  ]);
}

const MAY_2022 = [
  '# Regional Priority Plan',
  '## (untitled) As Nigel has already',
  '# Let’s Talk Family Hubs',
  '## (untitled) Members of the regional',
  '# RIIA activity',
  '## (untitled) As CRABBB activity draws',
  '# Key Updates',
  // The event's name and details belong to the invitation that introduces them.
  '## Invitation to a free face-to-face learning event on 30th June',
  '## Aspirant Leaders',
  '## Culture, Diversity and Anti-racist Leadership',
  '## Regional Care Leaver Offer Blueprint Launch',
  '## Sharing Practice – Participation Leads network',
  // After a wide gap: Staff College's programme is an item of its own, not part of the participation leads' news.
  '## (untitled) As you may be',
];

const APRIL_2023 = [
  '# (untitled)',
  '## (untitled) This week marks the',
  '# Regional Senior Leadership Networking Day',
  '## (untitled) This is our once',
  '# Changes in Network leadership',
  '## (untitled) Following on from last',
  '# Northwest Strategic Improvement Advisor',
  '## (untitled) The Department for Education',
  '# Regional priorities update',
  '## (untitled) As we mentioned last',
  '# Key Events',
  '## Equality Diversity and Inclusion Programmes',
  // "Core programme overview:" is one of the key events, not a section swallowing the rest.
  '## Core programme overview',
  '## West Midlands Regional Principal Social Workers Conference 22nd June 2023',
  "## Pilot for Social Worker and Child's Guardian",
  '## Research – Cash for Care Leavers',
];

describe('every heading of the seeds lands where a reader would put it', () => {
  it('May 2022', () => {
    const b = parseBulletin(seed('2022-05-regional-update.txt'), { organisations: councils });
    expect(outline(b)).toEqual(MAY_2022);
    const staff = b.sections[3]!.items.at(-1)!;
    expect(staff.body).toMatch(/^As you may be aware, Staff College[\s\S]*GatenbySanderson/);
    expect(b.sections[3]!.items.at(-2)!.body).not.toContain('Staff College');
  });

  it('April 2023', () => {
    const b = parseBulletin(seed('2023-04-regional-update.txt'), { organisations: councils });
    expect(outline(b)).toEqual(APRIL_2023);
    const items = b.sections.at(-1)!.items;
    expect(items[1]!.body).toBe('Please contact Ana Davies to reserve places for your LA');
    expect(items[2]!.body).toMatch(/^PSW’s have shared a flyer/);
    expect(items[4]!.body).toMatch(/Michael Saunders at KCL/);
  });

  it('reads the seeds the same in the later layout: single newlines, spacers, post metadata and stray words added', () => {
    for (const [name, expected] of [
      ['2022-05-regional-update.txt', MAY_2022],
      ['2023-04-regional-update.txt', APRIL_2023],
    ] as const) {
      const later = seed(name)
        .replace(/(Regional Update – \w+ \d{4})\n/, '$1\nnetworkteam\nSep 19\n5 min read\n')
        .replace(/\n\n/g, '\n')
        .replace(/(Best wishes\n)/, 'logo\n$1')
        .replace(/(\n[^\n]*:\n)/g, '\n\u00a0$1');
      const b = parseBulletin(later, { organisations: councils });
      expect(outline(b), name).toEqual(expected);
      expect(b.dropped.filter((d) => d.kind === 'post metadata').map((d) => d.text)).toEqual(['networkteam', 'Sep 19', '5 min read']);
      expect(b.dropped).toContainEqual({ kind: 'stray word', text: 'logo' });
      expect(b.dropped.filter((d) => d.kind === 'spacer').length).toBeGreaterThan(3);
    }
  });

  it('lists what it dropped from the seeds as page furniture', () => {
    const b = parseBulletin(seed('2022-05-regional-update.txt'));
    expect(b.dropped.map((d) => `${d.kind}: ${d.text}`)).toEqual([
      'site chrome: top of page',
      'site chrome: 60 views0 comments',
      'site chrome: Recent Posts',
      'site chrome: If you have any comments about the Regional Update, including additions to the mailing list, please CLICK HERE',
    ]);
  });
});

describe('page furniture of the later layout, in made-up bulletins', () => {
  const body = 'Workforce:\n\nThe workforce group met in March.\n\nEvents:\n\nThe network meets in April.';

  it('drops post metadata under the title: account name, short date, relative date, reading time', () => {
    for (const meta of [
      'jsmith\nSep 19\n5 min read',
      'Network Team\n4 days ago\n2 min read',
      'Sam Patel\nMar 3, 2024 · 3 min read',
      'Updated: 12 Feb',
    ]) {
      const b = parseBulletin(
        `Regional Update – March 2024\n\n${meta.replace(/\n/g, '\n\n')}\n\nHello everyone, welcome to this month's update from the network.\n\n${body}`,
      );
      expect(b.introduction.body, meta).toBe('Hello everyone, welcome to this month’s update from the network.'.replace('’', "'"));
      expect(
        b.dropped.map((d) => d.text),
        meta,
      ).toEqual(meta.split('\n'));
      expect(b.dropped.every((d) => d.kind === 'post metadata')).toBe(true);
      expect(outline(b)).toEqual([
        '# Workforce',
        '## (untitled) The workforce group met',
        '# Events',
        '## (untitled) The network meets in',
      ]);
    }
  });

  it('takes post metadata written above the title, and a dated line in the text is kept', () => {
    const b = parseBulletin(
      `admin\n\n1 hour ago\n\nRegional Update – March 2024\n\nHello.\n\nSep 19 is the date of the next meeting, in Coventry.\n\n${body}`,
    );
    expect(b.title).toBe('Regional Update – March 2024');
    expect(b.dropped.map((d) => d.text)).toEqual(['admin', '1 hour ago']);
    expect(b.introduction.body).toContain('Sep 19 is the date');
  });

  it('drops stray single words left by image alt text, keeping one-word headings', () => {
    const b = parseBulletin(
      'Regional Update – June 2024\n\nimage\n\nThank you all.\n\nPhoto\n\nBest wishes\n\nJenny Turnross\n\nIMG_2041.jpg\n\nWorkforce\n\nThe group met.\n\nFlyer\n\nEvents\n\nThe network meets.\n\nbanner',
    );
    expect(b.introduction.body).toBe('Thank you all.');
    expect(b.introduction.author).toBe('Jenny Turnross');
    expect(outline(b)).toEqual(['# Workforce', '## (untitled) The group met.', '# Events', '## (untitled) The network meets.']);
    expect(
      b.dropped
        .filter((d) => d.kind === 'stray word')
        .map((d) => d.text)
        .sort(),
    ).toEqual(['Flyer', 'IMG_2041.jpg', 'Photo', 'banner', 'image']);
  });

  it('drops paragraphs holding only a non-breaking space, which neither split an item nor make a gap', () => {
    const b = parseBulletin(
      'Regional Update – July 2024\n\nHello.\n\nNews:\n\n\u00a0\n\nFirst paragraph.\n\n\u00a0\u00a0\n\nSecond paragraph.\n\nMore:\n\nThird.',
    );
    expect(outline(b)).toEqual(['# News', '## (untitled) First paragraph. Second paragraph.', '# More', '## (untitled) Third.']);
    expect(b.dropped).toEqual([
      { kind: 'spacer', text: 'a paragraph holding only a non-breaking space' },
      { kind: 'spacer', text: 'a paragraph holding only a non-breaking space' },
    ]);
  });

  it('reads paragraphs separated by single newlines as it reads them apart, a blank line there being a wide gap', () => {
    const text =
      'Regional Update – August 2024\nHello all.\nBest wishes\nJo Britton\nNews:\nFirst.\nSecond.\n\nAnother item.\nMore:\nThird.';
    const b = parseBulletin(text);
    expect(b.introduction).toMatchObject({ body: 'Hello all.', author: 'Jo Britton' });
    expect(outline(b)).toEqual(['# News', '## (untitled) First. Second.', '## (untitled) Another item.', '# More', '## (untitled) Third.']);
    expect(outline(parseBulletin(text.replace(/\n/g, '\n\n')))).toEqual(outline(b));
  });

  it('reads a bulletin with no title line, dating it by its file name, and says why when it cannot', () => {
    const text =
      'networkteam\n\nSep 19\n\nThis month I pick up the baton.\n\nBest wishes\n\nJo Britton\n\nNews:\n\nFirst.\n\nMore:\n\nSecond.';
    const b = parseBulletin(text, { fileName: '2024-09-regional-update.txt' });
    expect(b).toMatchObject({ title: 'Regional Update – September 2024', month: '2024-09', titleFrom: 'file name' });
    expect(b.introduction).toMatchObject({ body: 'This month I pick up the baton.', author: 'Jo Britton' });
    expect(parseBulletin(text, { fileName: 'October 2023.txt' }).month).toBe('2023-10');
    expect(() => parseBulletin(text, { fileName: '000_ff8fc95948aee5ec.txt' })).toThrow(/no month in the file name/);
  });

  it('reads a title-case line ending with a full stop as a heading, and a short sentence as a paragraph', () => {
    const b = parseBulletin(
      'Regional Update – May 2024\n\nHi.\n\nNews:\n\nSome news.\n\nKey Events:\n\nThe Annual Conference of Heads of Service 3rd May.\n\nThe programme can be found here.\n\nPlaces are limited.',
    );
    expect(outline(b)).toEqual([
      '# News',
      '## (untitled) Some news.',
      '# Key Events',
      '## The Annual Conference of Heads of Service 3rd May',
    ]);
    expect(b.sections[1]!.items[0]!.body).toBe('The programme can be found here.\n\nPlaces are limited.');
  });

  it('keeps a "Heading:" inside a section of titled items an item, and one that opens titled items of its own a section', () => {
    const b = parseBulletin(
      'Regional Update – May 2024\n\nHi.\n\nNews:\n\nA paragraph.\n\nKey Events:\n\nSpring Conference\n\nIn April.\n\nCore programme:\n\nContact us.\n\nOpportunities:\n\nSecondment\n\nApply now.',
    );
    expect(outline(b)).toEqual([
      '# News',
      '## (untitled) A paragraph.',
      '# Key Events',
      '## Spring Conference',
      '## Core programme',
      '# Opportunities',
      '## Secondment',
    ]);
  });
});
