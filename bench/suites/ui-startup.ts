/**
 * How long until a user sees a working studio: `glimmer serve` started as a child process, Chromium
 * opens the printed URL, and the System page shows onnxruntime-node's real data.
 */
import { chromiumMissingReason, launchChromium } from '../../test/helpers/browser';
import { startServe } from '../../test/helpers/serve';
import { figure, type Figure } from '../harness';

export async function runUiStartup(repeats: number): Promise<Figure[]> {
  const missing = chromiumMissingReason();
  if (missing) {
    console.log(`ui-startup skipped: ${missing}`);
    return [];
  }
  const serveMs: number[] = [];
  const pageMs: number[] = [];
  const browser = await launchChromium();
  try {
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const serve = await startServe();
      const t1 = performance.now();
      try {
        const page = await browser.newPage();
        await page.goto(`${serve.openUrl}#/system`);
        await page.getByTestId('ort-version').waitFor({ timeout: 60_000 });
        pageMs.push(performance.now() - t1);
        await page.close();
      } finally {
        await serve.stop();
      }
      serveMs.push(t1 - t0);
    }
  } finally {
    await browser.close();
  }
  return [
    figure('ui-startup', 'serve start to URL printed', 'ms', serveMs, 'lower'),
    figure('ui-startup', 'page open to System page with data', 'ms', pageMs, 'lower'),
  ];
}
