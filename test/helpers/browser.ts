/**
 * Debian's Chromium driven by Playwright (no browser download: the executable comes from apt, which
 * .ci/run installs). Tests that need it skip with a printed reason where it is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright';
import { repoRoot } from './fixtures';

export const CHROMIUM_PATH = process.env.GLIMMER_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumMissingReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium; .ci/run does this)`;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A new page of `browser` whose uncaught errors and console errors are added to `errors` (tests assert it stays empty). */
export async function watchedPage(browser: Browser, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return page;
}

/** The end of a studio test file: the page errors seen are printed (when any), the browser closed, serve stopped. */
export async function closeStudio(browser: Browser | undefined, serve: { stop(): Promise<void> } | undefined, errors: readonly string[] = []): Promise<void> {
  if (errors.length > 0) console.log(`# page errors: ${errors.join(' | ')}`);
  await browser?.close();
  await serve?.stop();
}

/** Screenshots of the main screens go to test-results/screenshots/. */
export function screenshotPath(name: string): string {
  const dir = path.join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
