import { describe, expect, it } from 'vitest';
import { safeNext } from './paths.js';

// Each row: what arrives in `next` (already URL-decoded by the form or query parser), and where we may send the browser.
const CASES: Array<[unknown, string]> = [
  ['/admin/people', '/admin/people'],
  ['/updates/may-2022?page=2#comments', '/updates/may-2022?page=2#comments'],
  ['/updates/caf\u00e9', '/updates/caf%C3%A9'],
  ['/%09/evil.example', '/%09/evil.example'],
  ['/\t/evil.example', '/'],
  ['/\n/evil.example', '/'],
  ['/\r\n/evil.example', '/'],
  ['\t//evil.example', '/'],
  ['//evil.example', '/'],
  ['//evil.example/path', '/'],
  ['/\\evil.example', '/'],
  ['/\\/evil.example', '/'],
  ['\\\\evil.example', '/'],
  ['/.//evil.example', '/'],
  ['/./\\evil.example', '/'],
  ['https://evil.example/', '/'],
  ['http:evil.example', '/'],
  ['javascript:alert(1)', '/'],
  ['evil.example', '/'],
  ['', '/'],
  [undefined, '/'],
  [['/a', '/b'], '/'],
  ['/a\r\nSet-Cookie: x=1', '/aSet-Cookie:%20x=1'],
  ['/a\u0000b', '/a%00b'],
  ['/a?x=\u0001#\u007f', '/a?x=%01#%7F'],
  ['/' + 'a'.repeat(3000), '/'],
];

describe('safeNext', () => {
  it.each(CASES.map(([next, expected]) => [String(JSON.stringify(next)).slice(0, 40), next, expected]))(
    'sends %s to its safe path',
    (_label, next, expected) => {
      expect(safeNext(next)).toBe(expected);
    },
  );

  it('never answers a value a Location header cannot carry, or one that leaves the site', () => {
    for (const [next] of CASES) {
      const out = safeNext(next);
      expect(out).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
      expect(new URL(out, 'https://baton.example').origin).toBe('https://baton.example');
    }
  });
});
