/**
 * The whole project type-checks (TypeScript strict): tests run through tsx, which strips types
 * without checking them, so this is where a type error fails the build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/fixtures';

test('tsc --noEmit finds no type errors', () => {
  const require = createRequire(import.meta.url);
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `type errors:\n${(run.stdout + run.stderr).split('\n').slice(0, 40).join('\n')}`);
});
