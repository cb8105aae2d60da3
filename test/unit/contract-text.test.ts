/**
 * Names, tags and paths in requests are plain text: control characters (NUL, escapes, newlines) are
 * refused by the contract's schemas, so they never reach SQLite (where a NUL failed as `internal`),
 * the file system (where a NUL in a path throws) or a terminal.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Method, methods } from '../../main/contract';

const BAD = ['a\u0000b', 'a\u001bb', 'a\nb', 'a\rb', 'a\tb', 'a\u007fb', 'a\u0085b'];

/** method, a valid request, and a function that puts `text` in the field under test. */
const FIELDS: Array<[Method, string, (text: string) => unknown]> = [
  ['projects.create', 'project name', (t) => ({ name: t })],
  ['projects.rename', 'project name', (t) => ({ id: '1', name: t })],
  ['library.update', 'tag', (t) => ({ id: '1', tags: ['ok', t] })],
  ['library.search', 'tag filter', (t) => ({ tag: t })],
  ['library.import', 'file name', (t) => ({ dataBase64: 'AAAA', name: t })],
  ['library.import', 'import tag', (t) => ({ path: '/tmp/x.png', tags: [t] })],
  ['library.import', 'import path', (t) => ({ path: `/tmp/${t}.png` })],
  ['library.export', 'export folder', (t) => ({ projectId: '1', folder: `/tmp/${t}` })],
  ['models.import', 'model name', (t) => ({ path: '/tmp/m', name: t })],
  ['models.import', 'model path', (t) => ({ path: `/tmp/${t}` })],
  ['models.validate', 'model path', (t) => ({ path: `/tmp/${t}` })],
  ['models.compile.start', 'checkpoint path', (t) => ({ path: `/tmp/${t}` })],
  ['settings.update', 'model folder', (t) => ({ modelDir: `/tmp/${t}` })],
  ['jobs.submit', 'reference image name', (t) => ({ mode: 'identity', prompt: 'p', subject: { dataBase64: 'AAAA', name: t } })],
];

test('names, tags and paths with control characters are refused; the same text without them passes', () => {
  for (const [method, what, make] of FIELDS) {
    const schema = methods[method].request;
    assert.ok(schema.safeParse(make('plain name')).success, `${method} ${what}: a plain value is refused`);
    assert.ok(schema.safeParse(make('ünïcødé 名前 🎨')).success, `${method} ${what}: Unicode is refused`);
    for (const bad of BAD) {
      assert.equal(schema.safeParse(make(bad)).success, false, `${method} ${what}: ${JSON.stringify(bad)} passes`);
    }
  }
});

test('prompts keep their newlines', () => {
  assert.ok(methods['jobs.submit'].request.safeParse({ mode: 'text', prompt: 'line one\nline two\ttabbed' }).success);
});
