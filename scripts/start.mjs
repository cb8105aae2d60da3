// `npm start`: build the app, make sure native modules that are not N-API (better-sqlite3) have a
// build for Electron's ABI (kept apart from the Node build the tests and CLI use), then launch Electron.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let electronPath;
try {
  // electron downloads its binary on first use
  electronPath = require('electron');
} catch (err) {
  console.error(`Electron could not be started: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Electron downloads its binary on first start and needs internet access once. `npm run serve` runs the studio in a browser instead.');
  process.exit(1);
}

const electronVersion = require('electron/package.json').version;
const nativeDir = path.join(root, '.cache', 'electron-native', electronVersion);
const sqliteDir = path.join(nativeDir, 'node_modules', 'better-sqlite3');
const findBinding = () => {
  const release = path.join(sqliteDir, 'build', 'Release');
  if (!existsSync(release)) return null;
  const file = readdirSync(release).find((f) => f === 'better_sqlite3.node');
  return file ? path.join(release, file) : null;
};
if (!findBinding()) {
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  mkdirSync(path.dirname(sqliteDir), { recursive: true });
  const sqliteVersion = require('better-sqlite3/package.json').version;
  writeFileSync(
    path.join(nativeDir, 'package.json'),
    JSON.stringify({ name: 'glimmer-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }),
  );
  cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), sqliteDir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build${path.sep}`),
  });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: nativeDir, electronVersion, onlyModules: ['better-sqlite3'], force: true });
}
const binding = findBinding();

const child = spawn(electronPath, [path.join(root, 'dist', 'main', 'app.cjs')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...(binding ? { GLIMMER_SQLITE_BINDING: binding } : {}) },
});
child.on('exit', (code) => process.exit(code ?? 0));
