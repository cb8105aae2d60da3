import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { GlimmerError } from '../../main/contract';
import { DB_FILE, Library, SCHEMA_VERSION, migrations, openDatabase } from '../../main/library';
import { tempDir } from '../helpers/library-data';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Rows written with plain SQL against the v1 schema (as an app of that version would have). */
function seedV1(file: string): void {
  const db = openDatabase(file, { upTo: 1 });
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  const now = 1_700_000_000_000;
  db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, ?, ?, ?)').run('Old posters', now, now);
  db.prepare("INSERT INTO images (hash, format, width, height, bytes, created_at) VALUES (?, 'png', 64, 48, 100, ?)").run('a'.repeat(64), now);
  const ins = db.prepare(
    `INSERT INTO generations (id, created_at, project_id, image_hash, mode, model, seed, width, height, steps, prompt, recipe, favourite)
     VALUES (?, ?, 1, ?, 't2i', 'glm-image', ?, 64, 48, 50, ?, ?, ?)`,
  );
  ins.run(1, now, 'a'.repeat(64), 11, 'a lighthouse at dusk', JSON.stringify({ prompt: 'a lighthouse at dusk' }), 1);
  ins.run(2, now + 1, 'a'.repeat(64), 12, 'a café with neon signs', JSON.stringify({ prompt: 'a café with neon signs' }), 0);
  ins.run(3, now + 2, 'a'.repeat(64), 13, '一张写着早安的海报', JSON.stringify({ prompt: '一张写着早安的海报' }), 0);
  db.prepare("INSERT INTO tags (id, name, created_at) VALUES (1, 'Seaside', ?)").run(now);
  db.prepare('INSERT INTO generation_tags (tag_id, generation_id) VALUES (1, 1)').run();
  db.close();
}

describe('library migrations', () => {
  test('migration numbers are 1..N in order', () => {
    assert.deepEqual(
      migrations.map((m) => m.version),
      Array.from({ length: migrations.length }, (_, i) => i + 1),
    );
    assert.equal(SCHEMA_VERSION, migrations.length);
  });

  test('an empty folder gets the latest schema, with WAL and foreign keys on', async () => {
    const lib = await Library.open(dir());
    try {
      assert.equal(lib.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(lib.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(lib.db.pragma('foreign_keys', { simple: true }), 1);
      assert.ok((lib.db.pragma('busy_timeout', { simple: true }) as number) > 0);
      assert.equal(lib.db.pragma('integrity_check', { simple: true }), 'ok');
      assert.deepEqual(lib.search({}).items, []);
    } finally {
      lib.close();
    }
  });

  for (let from = 1; from < SCHEMA_VERSION; from++) {
    test(`a v${from} library with data upgrades to v${SCHEMA_VERSION}, keeping every row and making it searchable`, async () => {
      const d = dir();
      const file = path.join(d, DB_FILE);
      seedV1(file);
      if (from > 1) openDatabase(file, { upTo: from }).close();
      const check = new BetterSqlite3(file, { readonly: true });
      assert.equal(check.pragma('user_version', { simple: true }), from);
      check.close();

      const lib = await Library.open(d);
      try {
        assert.equal(lib.openReport.schemaVersion, SCHEMA_VERSION);
        const g1 = lib.getGeneration(1);
        assert.equal(g1.prompt, 'a lighthouse at dusk');
        assert.equal(g1.favourite, true);
        assert.deepEqual(g1.tags, ['Seaside']);
        assert.equal(g1.projectId, 1);
        assert.deepEqual(g1.recipe, { prompt: 'a lighthouse at dusk' });
        assert.equal(lib.getProject(1).name, 'Old posters');
        // FTS built from rows that existed before it: prompt words, accents folded, tags
        assert.deepEqual(lib.search({ text: 'lighthouse' }).items.map((g) => g.id), [1]);
        assert.deepEqual(lib.search({ text: 'cafe neon' }).items.map((g) => g.id), [2]);
        assert.deepEqual(lib.search({ text: 'seaside' }).items.map((g) => g.id), [1]);
        assert.deepEqual(lib.search({ text: '海报' }).items.map((g) => g.id), [3]);
        assert.deepEqual(lib.search({ text: '早安 ' }).items.map((g) => g.id), [3]);
        assert.deepEqual(lib.search({ tag: 'seaside' }).items.map((g) => g.id), [1]);
        // the later tables work
        lib.jobs.add('job-1', { prompt: 'x' });
        assert.equal(lib.jobs.list().length, 1);
        // rows from before the text check have none and belong to no group; one can be stored and filtered on
        assert.equal(g1.textCheck, null);
        assert.equal(g1.textCheckDetails, null);
        assert.equal(g1.group, null);
        const check = { status: 'ok' as const, message: 'ok', targets: [], skipped: [], score: 1, found: 1, total: 1, wordAccuracy: 1, lines: [], width: 64, height: 48, truncated: false, provider: 'cpu', ms: 5, checkedAt: 1 };
        assert.equal(lib.setTextCheck(2, check).textCheck, 'ok');
        assert.deepEqual(lib.search({ textCheck: 'ok' }).items.map((g) => g.id), [2]);
        const group = lib.createGroup();
        lib.db.prepare('UPDATE generations SET group_id = ? WHERE id IN (1, 3)').run(group);
        lib.rankGroup(group, [3, 1]);
        assert.deepEqual(lib.search({}).items.map((g) => g.id), [3, 2]);
        assert.deepEqual(lib.getGeneration(1).group, { id: group, kind: 'best_of_text', size: 2, rank: 1, members: [3, 1] });
        assert.equal(lib.db.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(lib.db.pragma('foreign_key_check'), []);
      } finally {
        lib.close();
      }
    });
  }

  test('a failing migration leaves the file at its old version (all or nothing)', async () => {
    const d = dir();
    const file = path.join(d, DB_FILE);
    seedV1(file);
    // Sabotage: a table the v2 migration is about to create already exists.
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE generations_fts (x)');
    raw.close();
    await assert.rejects(Library.open(d));
    const after = new BetterSqlite3(file, { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), 1);
    assert.equal((after.prepare("SELECT count(*) AS n FROM pragma_table_info('generations') WHERE name = 'tags_text'").get() as { n: number }).n, 0);
    after.close();
  });

  test('a library from a newer app is refused with a clear message and left byte-for-byte untouched', async () => {
    const d = dir();
    const lib = await Library.open(d);
    lib.close();
    const file = path.join(d, DB_FILE);
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(file);
    await assert.rejects(Library.open(d), (e: unknown) => {
      assert.ok(e instanceof GlimmerError);
      assert.equal(e.code, 'conflict');
      assert.match(e.message, /newer version of Glimmer Studio/);
      assert.match(e.message, /Update Glimmer Studio/);
      return true;
    });
    assert.ok(readFileSync(file).equals(before));
    assert.ok(!existsSync(`${file}-wal`) || readFileSync(`${file}-wal`).length === 0);
  });

  test('a file that is not a database is reported and never overwritten', async () => {
    const d = dir();
    const file = path.join(d, DB_FILE);
    const junk = Buffer.from('these are my holiday notes, not a database\n'.repeat(100));
    writeFileSync(file, junk);
    await assert.rejects(Library.open(d), (e: unknown) => {
      assert.ok(e instanceof GlimmerError);
      assert.equal(e.code, 'conflict');
      assert.match(e.message, /not a Glimmer Studio library database/);
      assert.match(e.message, /left untouched/);
      return true;
    });
    assert.ok(readFileSync(file).equals(junk));
    assert.ok(!existsSync(`${file}-wal`));
  });

  test("another application's SQLite database is refused and left as it was", async () => {
    const d = dir();
    const file = path.join(d, DB_FILE);
    const other = new BetterSqlite3(file);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'keep me\')');
    other.close();
    const before = readFileSync(file);
    await assert.rejects(Library.open(d), (e: unknown) => e instanceof GlimmerError && e.code === 'conflict' && /another application/.test(e.message));
    assert.ok(readFileSync(file).equals(before));
  });
});
