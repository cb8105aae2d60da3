import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseMediaUrl, resolveMediaPath } from '../../main/api/media';
import { GlimmerError } from '../../main/contract';

const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-media-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const images = path.join(dir, 'data', 'images');
mkdirSync(path.join(images, 'ab'), { recursive: true });
writeFileSync(path.join(images, 'ab', 'abc.png'), 'png');
writeFileSync(path.join(dir, 'data', 'secret.txt'), 'secret');
writeFileSync(path.join(dir, 'outside.txt'), 'outside');
symlinkSync(path.join(dir, 'outside.txt'), path.join(images, 'link.png'));
const roots = { images };

function code(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return err instanceof GlimmerError ? err.code : 'untyped';
  }
}

test('a file under its root resolves', () => {
  assert.equal(resolveMediaPath(roots, 'images', 'ab/abc.png'), path.join(images, 'ab', 'abc.png'));
  const parsed = parseMediaUrl('glimmer-media://images/ab/abc.png');
  assert.deepEqual(parsed, { root: 'images', path: 'ab/abc.png' });
});

test('traversal, absolute, encoded and backslash paths are refused', () => {
  for (const p of ['../secret.txt', 'ab/../../secret.txt', '%2e%2e/secret.txt', '..%2fsecret.txt', '/etc/passwd', '..\\secret.txt', 'ab/abc.png%00.txt', 'ab/./abc.png']) {
    assert.equal(code(() => resolveMediaPath(roots, 'images', p)), 'forbidden', p);
  }
});

test('a symbolic link leading outside the root is refused', () => {
  assert.equal(code(() => resolveMediaPath(roots, 'images', 'link.png')), 'forbidden');
});

test('unknown roots and missing files are not_found; bad encoding is bad_request', () => {
  assert.equal(code(() => resolveMediaPath(roots, 'models', 'x.png')), 'not_found');
  assert.equal(code(() => resolveMediaPath(roots, '__proto__', 'x.png')), 'not_found');
  assert.equal(code(() => resolveMediaPath(roots, 'images', 'ab/none.png')), 'not_found');
  assert.equal(code(() => resolveMediaPath(roots, 'images', '%E0%A4%A')), 'bad_request');
});
