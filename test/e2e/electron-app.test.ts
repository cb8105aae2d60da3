/**
 * The packaged shape of the app in real Electron (Playwright's _electron). Runs where Electron's
 * binary is installed (a user's or developer's machine with internet); skipped with the reason
 * printed where it cannot be downloaded.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { _electron as electron } from 'playwright';
import { repoRoot } from '../helpers/fixtures';

function electronBinary(): { path: string | null; reason: string } {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('electron/package.json'));
    const pathFile = path.join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return { path: null, reason: "Electron's binary is not downloaded (no network for it on this machine)" };
    const exe = path.join(pkgDir, 'dist', require('node:fs').readFileSync(pathFile, 'utf8').trim());
    return existsSync(exe) ? { path: exe, reason: '' } : { path: null, reason: `Electron's binary is missing at ${exe}` };
  } catch (err) {
    return { path: null, reason: `electron is not installed (${String(err)})` };
  }
}

const binary = electronBinary();
const built = existsSync(path.join(repoRoot, 'dist', 'main', 'app.cjs'));
const skip = binary.path === null ? binary.reason : built ? false : 'the app is not built (npm run build)';
if (skip) console.log(`# skipping Electron tests: ${skip}`);

test('the Electron window is sandboxed, isolated and shows the System page', { skip }, async () => {
  const app = await electron.launch({ executablePath: binary.path!, args: [path.join(repoRoot, 'dist', 'main', 'app.cjs')], cwd: repoRoot });
  try {
    const page = await app.firstWindow();
    // the renderer has no Node: no require, no process; only the contract's bridge
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { glimmer?: object }).glimmer ?? {}).sort(),
    }));
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined', bridge: ['call', 'subscribe'] });
    const sandboxed = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    assert.equal(sandboxed, 1);
    await page.evaluate(() => {
      globalThis.location.hash = '#/system';
    });
    await page.getByTestId('ort-version').waitFor({ timeout: 60_000 });
  } finally {
    await app.close();
  }
});
