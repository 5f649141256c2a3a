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

/** The widths every page is checked at: a desktop and a small phone. */
export const WIDTHS = { desktop: 1280, phone: 375 } as const;

async function axeProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Checks the page with axe-core against WCAG 2.2 A and AA at the page's own width and at phone width (where tables
 * scroll sideways and the header wraps), and fails listing each violation; the page is left at the width it had.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const size = page.viewportSize() ?? { width: WIDTHS.desktop, height: 800 };
  expect(await axeProblems(page), `axe violations on ${page.url()} at ${size.width} px`).toEqual([]);
  if (size.width === WIDTHS.phone) return;
  await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
  // Let the page's resize handler run before axe looks.
  await page.evaluate(async () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  try {
    expect(await axeProblems(page), `axe violations on ${page.url()} at ${WIDTHS.phone} px`).toEqual([]);
  } finally {
    await page.setViewportSize(size);
  }
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
