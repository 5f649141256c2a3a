import fs from 'node:fs';
import net from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';

/** Where Debian's chromium lives; CHROMIUM_PATH overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when browser tests can run here; CI sets BATON_E2E_REQUIRED so a missing browser fails instead of skipping. */
export function browserAvailable(): boolean {
  const ok = fs.existsSync(chromiumPath);
  if (!ok && process.env.BATON_E2E_REQUIRED) throw new Error(`Chromium not found at ${chromiumPath}; install Debian's chromium package`);
  if (!ok) console.warn(`Browser tests skipped: no chromium at ${chromiumPath} (apt-get install chromium)`);
  return ok;
}

/** Launches headless chromium with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Checks the page with axe-core against WCAG 2.2 A and AA and fails listing each violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const problems = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(problems, `axe violations on ${page.url()}`).toEqual([]);
}

/** Saves a screenshot when SCREENSHOTS names a folder, for a person to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
