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
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { 'process.env.GLIMMER_VERSION': JSON.stringify(pkg.version) },
  };
  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'main/app/main.ts')],
    outfile: path.join(root, 'dist/main/app.cjs'),
    format: 'cjs',
    // native modules stay in node_modules (unpacked from asar by electron-builder)
    external: ['electron', 'onnxruntime-node', 'better-sqlite3', 'sharp'],
    // import.meta.url is used for locating package files; in the CJS bundle it maps to __filename
    banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
    define: { ...common.define, 'import.meta.url': '__import_meta_url' },
  });
  // the engine's worker thread, started by EngineHost from beside app.cjs
  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'main/engine/host/worker.ts')],
    outfile: path.join(root, 'dist/main/engine-worker.cjs'),
    format: 'cjs',
    external: ['onnxruntime-node', 'sharp'],
    banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
    define: { ...common.define, 'import.meta.url': '__import_meta_url' },
  });
  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'preload/preload.ts')],
    outfile: path.join(root, 'dist/preload/preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
  console.log('built dist/main/app.cjs, dist/main/engine-worker.cjs and dist/preload/preload.cjs');
}
