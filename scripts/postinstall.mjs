// After `npm install`: fetch what the app needs from outside the npm registry — Electron's binary,
// and onnxruntime-node's optional CUDA provider — without making the install fail where they cannot
// be downloaded (the app's tests and `serve` run without either). package.json `allowScripts` skips the package's own
// postinstall (it exits non-zero when its download fails); we run the same installer here and turn a
// failure into a warning. Set ONNXRUNTIME_NODE_INSTALL=skip to skip it entirely.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function onnxruntimeCuda() {
  if (process.env.ONNXRUNTIME_NODE_INSTALL === 'skip') return;
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return;
  }
  const installer = path.join(pkgDir, 'script', 'install.js');
  if (!existsSync(installer)) return;
  const run = spawnSync(process.execPath, [installer], { cwd: pkgDir, stdio: 'inherit', timeout: 15 * 60_000 });
  if (run.status !== 0) {
    console.warn(
      '[glimmer] onnxruntime-node could not download its optional CUDA provider libraries; ' +
        'the app will use the other execution providers (CPU, WebGPU, DirectML, CoreML). ' +
        'Re-run `node node_modules/onnxruntime-node/script/install.js` later to add CUDA.',
    );
  }
}

function electronBinary() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return;
  // electron >= 42 downloads its binary on first use; do it now so `npm start` starts at once
  const run = spawnSync(process.execPath, ['-e', "require('electron')"], { stdio: 'pipe', timeout: 15 * 60_000 });
  if (run.status !== 0) {
    console.warn(
      "[glimmer] Electron's binary could not be downloaded now; `npm start` tries again. " +
        '`npm run serve` runs the studio in a browser without it.',
    );
  }
}

electronBinary();
onnxruntimeCuda();
