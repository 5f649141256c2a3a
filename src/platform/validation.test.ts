import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from './errors.js';
import {
  MAX_ID,
  dateField,
  dateTimeField,
  emailAddress,
  formId,
  idField,
  longText,
  monthField,
  optionalText,
  parseId,
  pathId,
  requiredText,
  textProblem,
} from './validation.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('ids', () => {
  it('reads every id in the integer range, as a number or as digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_ID }), (n) => {
        expect(parseId(n)).toBe(n);
        expect(parseId(String(n))).toBe(n);
      }),
    );
  });

  it('refuses ids beyond the range, below 1, fractional or not digits', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: MAX_ID + 1, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ max: 0 }),
          fc.double().filter((d) => !Number.isInteger(d)),
          fc.string().filter((s) => !/^\s*\d+\s*$/.test(s)),
        ),
        (v) => {
          expect(parseId(v)).toBeNull();
          expect(parseId(String(v))).toBeNull();
        },
      ),
    );
    for (const v of ['99999999999', '99999999999999999999', '1e20', '-1', '0', '0x10', '1.0', '', null, undefined, {}, [1]]) {
      expect(parseId(v)).toBeNull();
    }
  });

  it('makes a bad path id a 404 and a bad form id a 400 naming the field', () => {
    expect(() => pathId('99999999999')).toThrow(NotFoundError);
    expect(() => formId('1e20', 'edition')).toThrow(ValidationError);
    expect(ok(idField(), '2147483647')).toBe(true);
    expect(ok(idField(), 2147483648)).toBe(false);
  });
});

describe('months and dates', () => {
  it('accepts months from 2000 to 2100 only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
        expect(ok(monthField(), s)).toBe(y >= 2000 && y <= 2100);
      }),
    );
    for (const s of ['2026-13', '2026-00', '2026-1', '0000-01', 'May 2026']) expect(ok(monthField(), s)).toBe(false);
  });

  it('accepts real calendar days in range and nothing else', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }), (d) => {
        const s = d.toISOString().slice(0, 10);
        expect(ok(dateField(), s)).toBe(d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100);
      }),
    );
    for (const s of ['2026-02-30', '2025-02-29', '0000-01-01', '2026-1-1', '2026-01-01T00:00']) expect(ok(dateField(), s)).toBe(false);
    expect(ok(dateField(), '2024-02-29')).toBe(true);
    expect(ok(dateTimeField(), '0000-01-01T00:00')).toBe(false);
    expect(ok(dateTimeField(), '2030-05-01T09:00')).toBe(true);
  });
});

describe('text', () => {
  it('refuses every control character on one line, and all but tab and line breaks in multi-line text', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 0x9f }), fc.string(), (a, code, b) => {
        const c = String.fromCharCode(code);
        const control = code < 0x20 || code >= 0x7f;
        fc.pre(!/[\u0000-\u001F\u007F-\u009F]/.test(a + b));
        expect(ok(requiredText(1000), `x${a}${c}${b}`)).toBe(!control);
        expect(ok(longText(1000), `x${a}${c}${b}`)).toBe(!control || c === '\t' || c === '\n' || c === '\r');
      }),
    );
  });

  it('refuses lone surrogates with a message, where they would silently become U+FFFD', () => {
    for (const s of ['\uD800', 'a\uDC00b', '\uDBFFx']) {
      expect(textProblem(s, { multiline: true })).toMatch(/broken character/);
      expect(ok(optionalText(100), s)).toBe(false);
    }
    expect(textProblem('emoji 😀 ok')).toBeNull();
  });

  it('names the invisible character', () => {
    expect(textProblem('a\u0000b')).toBe('Contains an invisible control character (U+0000): remove it');
    expect(textProblem('two\nlines')).toBe('Must be on one line');
  });
});

describe('email addresses', () => {
  it('accepts at most 254 characters', () => {
    const at = (n: number) => `${'a'.repeat(60)}@${'b'.repeat(n - 65)}.org`;
    expect(ok(emailAddress(), at(254))).toBe(true);
    expect(ok(emailAddress(), at(255))).toBe(false);
    expect(emailAddress().safeParse(`${'a'.repeat(100_000)}@example.org`).error?.issues[0]?.message).toMatch(/254/);
  });
});

describe('one message per bad field', () => {
  it('says only what is wrong first', () => {
    expect(monthField().safeParse('July').error?.issues).toHaveLength(1);
    expect(dateField().safeParse('tomorrow').error?.issues).toHaveLength(1);
    expect(dateField().safeParse('0000-02-30').error?.issues).toHaveLength(1);
  });
});
