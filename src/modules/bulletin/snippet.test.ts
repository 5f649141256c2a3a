import { describe, expect, it } from 'vitest';
import { plainSnippet } from './snippet.js';

const M = (w: string) => `\u0001${w}\u0002`;

describe('plainSnippet', () => {
  const text = 'Title\n\nIntro sentence here. Strands:\n\n- One thing.\n- Family hubs.\n\nKey events\n\nThe network meets, often, in May.';

  it('drops list, heading and emphasis marks and joins lines, a heading by a dash', () => {
    const s = plainSnippet(`Strands:\n\n- One thing.\n- ${M('Family')} ${M('hubs')}.\n\nKey events\n\n**The** network meets`, text);
    expect(s).toBe(`… Strands: One thing. ${M('Family')} ${M('hubs')}. Key events – The network meets …`);
  });

  it('starts and ends at a word, and puts no ellipsis where the text starts or ends', () => {
    expect(plainSnippet(', often, in May.', text)).toBe('… often, in May.');
    expect(plainSnippet('Title\n\nIntro sentence here. Strands:', text)).toBe('Title – Intro sentence here. Strands …');
    expect(plainSnippet('## Title\n\nIntro sentence here, –', text)).toBe('Title – Intro sentence here …');
  });

  it('keeps two fragments apart by an ellipsis and marks each end', () => {
    expect(plainSnippet(`sentence ${M('here')} … ${M('network')} meets`, text)).toBe(`… sentence ${M('here')} … ${M('network')} meets …`);
  });
});
