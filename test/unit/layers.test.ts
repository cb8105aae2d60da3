/**
 * Imports point one way (docs/ARCHITECTURE.md): the whole tree is checked, and the checker itself is
 * shown to catch planted wrong-way imports in a scratch tree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LAYERS, layerViolations } from '../helpers/layers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('every import in the tree points down the layers', () => {
  const found = layerViolations(root);
  assert.deepEqual(
    found.map((v) => `${v.file}: '${v.specifier}' — ${v.why}`),
    [],
  );
});

function scratchTree(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-layers-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the rule catches planted wrong-way imports and lets the right ones pass', () => {
  const tree = scratchTree({
    'main/contract/index.ts': "export const X = 1;\n",
    'main/contract/ipc.ts': "export const IPC = {};\n",
    'main/library/index.ts': "import { X } from '../contract';\nexport const L = X;\n",
    'main/studio/context.ts': "import { L } from '../library';\nexport const C = L;\n",
    'main/api/router.ts': "import { C } from '../studio/context';\nexport const R = C;\n",
    // planted: the engine reaching into the library, a lower layer importing a higher one,
    // native-models importing the app, the renderer reaching past the contract, Node in the contract,
    // a value import from the contract barrel into preload, SQLite in the engine
    'main/engine/bad-sibling.ts': "import { L } from '../library';\nexport const E = L;\n",
    'main/library/bad-upward.ts': "export async function f() { return (await import('../api/router')).R; }\n",
    'native-models/bad-app.ts': "import { X } from '../main/contract';\nexport const N = X;\n",
    'renderer/src/bad.tsx': "import { C } from '../../main/studio/context';\nexport const V = C;\n",
    'main/contract/bad-node.ts': "import fs from 'node:fs';\nexport const F = fs;\n",
    'preload/preload.ts': "import { X } from '../main/contract';\nimport { IPC } from '../main/contract/ipc';\nimport type { X as T } from '../main/contract/index';\nexport const P = [X, IPC];\nexport type Q = T;\n",
    'main/engine/bad-sqlite.ts': "import Database from 'better-sqlite3';\nexport const D = Database;\n",
  });
  try {
    const found = layerViolations(tree.dir).map((v) => v.file).sort();
    assert.deepEqual(found, [
      'main/contract/bad-node.ts',
      'main/engine/bad-sibling.ts',
      'main/engine/bad-sqlite.ts',
      'main/library/bad-upward.ts',
      'native-models/bad-app.ts',
      'preload/preload.ts',
      'renderer/src/bad.tsx',
    ]);
  } finally {
    tree.cleanup();
  }
});

test('every layer named in a rule exists', () => {
  const names = new Set(LAYERS.map((l) => l.name));
  for (const l of LAYERS) for (const m of l.mayImport) assert.ok(names.has(m), `${l.name} names unknown layer ${m}`);
});
