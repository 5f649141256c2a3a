import { describe, expect, it } from 'vitest';
import { chooseLogFormat, loadConfig } from '../../config.js';
import { formatOutboxBlock, outboxEssentials } from '../mail/outbox-block.js';
import { formatLogLine } from './pretty.js';

describe('the log format', () => {
  it('is readable on a terminal outside production, and JSON in production or when not a terminal', () => {
    const auto = (nodeEnv: string | undefined, stdoutIsTTY: boolean) => chooseLogFormat({ setting: 'auto', nodeEnv, stdoutIsTTY });
    expect(auto(undefined, true)).toBe('pretty');
    expect(auto('development', true)).toBe('pretty');
    expect(auto('production', true)).toBe('json');
    expect(auto(undefined, false)).toBe('json');
    expect(auto('development', false)).toBe('json');
    expect(chooseLogFormat({ setting: 'json', stdoutIsTTY: true })).toBe('json');
    expect(chooseLogFormat({ setting: 'pretty', nodeEnv: 'production', stdoutIsTTY: false })).toBe('pretty');
  });

  it('is read from the environment with the terminal check, and a bad LOG_FORMAT is refused by name', () => {
    expect(loadConfig({}, true).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }, true).logFormat).toBe('json');
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'fancy' }, true)).toThrow(/LOG_FORMAT/);
  });

  it('turns a pino line into one readable line, with an error stack under it', () => {
    const time = new Date(2026, 0, 2, 9, 5, 7).getTime();
    expect(
      formatLogLine(JSON.stringify({ level: 20, time, pid: 1, hostname: 'h', reqId: 'req-1', msg: 'GET / 200 1.0 ms' }), { colour: false }),
    ).toBe('09:05:07 DEBUG GET / 200 1.0 ms reqId=req-1');
    const err = formatLogLine(
      JSON.stringify({ level: 50, time, msg: 'send failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } }),
      {
        colour: false,
      },
    );
    expect(err).toBe('09:05:07 ERROR send failed\nError: boom\n    at x');
    expect(formatLogLine('not json', { colour: false })).toBe('not json');
  });
});

describe('the development outbox block', () => {
  const mail = {
    to: 'dee@example.org',
    subject: 'Sign in to the network',
    text: 'Hello Dee,\n\nRead the news: http://localhost:3000/updates\n\nSign in: http://localhost:3000/sign-in/confirm?token=SECRET1\n\nOr type this code: 123456\n',
    secrets: ['SECRET1', '123456'],
  };

  it('puts who it is to, the subject, the link holding the secret and the code first, in a frame', () => {
    const block = formatOutboxBlock(mail).split('\n');
    expect(block[0]).toMatch(/^┌─ Development outbox \(no SMTP_URL: this email was not sent\) ─+$/);
    expect(block.slice(1, 5)).toEqual([
      '│ To:      dee@example.org',
      '│ Subject: Sign in to the network',
      '│ Link:    http://localhost:3000/sign-in/confirm?token=SECRET1',
      '│ Code:    123456',
    ]);
    expect(block[5]).toMatch(/^├─+$/);
    expect(block).toContain('│ Hello Dee,');
    expect(block.at(-1)).toMatch(/^└─+$/);
    expect(block.slice(1, -1).every((l) => /^[│├]/.test(l))).toBe(true);
  });

  it('shows the first link of an email without secrets, and no code', () => {
    expect(outboxEssentials({ text: mail.text, secrets: [] })).toEqual({ links: ['http://localhost:3000/updates'], codes: [] });
    expect(outboxEssentials({ text: 'No links here.' })).toEqual({ links: [], codes: [] });
  });
});
