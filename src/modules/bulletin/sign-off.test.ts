import { describe, expect, it } from 'vitest';
import { endsWithSignOff } from './sign-off.js';

describe('endsWithSignOff', () => {
  it('recognises a sign-off the author wrote', () => {
    expect(endsWithSignOff('Thank you all.\n\nBest wishes\nGrace Iqbal', 'Grace Iqbal', null)).toBe(true);
    expect(endsWithSignOff('Thank you all.\n\nKind regards,', 'Grace Iqbal', null)).toBe(true);
    expect(endsWithSignOff('Thank you all.\n\n**Grace**', 'Grace Iqbal', null)).toBe(true);
    expect(endsWithSignOff('See you soon.\n\nCheers for now', 'Grace Iqbal', 'Cheers for now')).toBe(true);
  });
  it('does not mistake the text for one', () => {
    expect(endsWithSignOff('Grace Iqbal opened the conference.\n\nMore next month.', 'Grace Iqbal', null)).toBe(false);
    expect(endsWithSignOff('A short note.', 'Grace Iqbal', 'Best wishes')).toBe(false);
    expect(endsWithSignOff('', 'Grace Iqbal', null)).toBe(false);
  });
});
