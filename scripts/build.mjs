// Builds what the app runs: the renderer (vite → dist/renderer) and, unless --renderer-only, the
// Electron main process, the engine worker and preload (esbuild → dist/main/app.cjs, engine-worker.cjs,
// dist/preload/preload.cjs).
import { build as esbuild } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererOnly = process.argv.includes('--renderer-only');

await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
console.log('built dist/renderer');

if (!rendererOnly) {
  const pkg = (await import(path.join(root, 'package.json'), { with: { type: 'json' } })).default;
  // one CommonJS bundle for Node/Electron; native modules stay in node_modules (unpacked from asar by
  // electron-builder); import.meta.url (used to locate package files and the engine worker) maps to
  // the bundle's own file
  const bundle = (entry, outfile, external) =>
    esbuild({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, outfile),
      external,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: 'linked',
      logLevel: 'warning',
      banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
      define: { 'process.env.GLIMMER_VERSION': JSON.stringify(pkg.version), 'import.meta.url': '__import_meta_url' },
    });
  await bundle('main/app/main.ts', 'dist/main/app.cjs', ['electron', 'onnxruntime-node', 'better-sqlite3', 'sharp']);
  // the engine's worker thread, started by EngineHost from beside app.cjs
  await bundle('main/engine/host/worker.ts', 'dist/main/engine-worker.cjs', ['onnxruntime-node', 'sharp']);
  await bundle('preload/preload.ts', 'dist/preload/preload.cjs', ['electron']);
  console.log('built dist/main/app.cjs, dist/main/engine-worker.cjs and dist/preload/preload.cjs');
}
