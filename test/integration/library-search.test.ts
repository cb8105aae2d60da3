import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GlimmerError, type TextCheck, type TextCheckStatus } from '../../main/contract';
import { Library, type SearchQuery } from '../../main/library';
import { noisePixels, recipe, tempDir } from '../helpers/library-data';

// An independent model of the search: what each row is, and which rows a query must return.
interface Row {
  id: number;
  prompt: string;
  tags: string[];
  projectId: number | null;
  mode: string;
  model: string;
  seed: number;
  width: number;
  height: number;
  favourite: boolean;
  rating: number;
  createdAt: number;
  trashed: boolean;
  textCheck: TextCheckStatus | null;
  /** Best-of-N group and rank (0 = best). */
  group: { id: number; rank: number } | null;
}

function tokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{Co}]+/u)
    .filter(Boolean);
}

/** Chinese/Japanese characters are separate words in prompts (the spec of search-text.ts, restated). */
function spaced(text: string): string {
  return text.normalize('NFKC').replace(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu, ' $& ');
}

function hasPhrase(doc: string[], phrase: string[], prefixLast: boolean): boolean {
  for (let i = 0; i + phrase.length <= doc.length; i++) {
    if (phrase.every((t, k) => (prefixLast && k === phrase.length - 1 ? doc[i + k].startsWith(t) : doc[i + k] === t))) return true;
  }
  return false;
}

function textMatches(row: Row, text: string): boolean {
  const chunks = text.normalize('NFKC').split(/\s+/u).filter((w) => /[\p{L}\p{N}\p{Co}]/u.test(w)).slice(0, 32);
  const prefix = !/\s$/u.test(text);
  const docs = [tokens(spaced(row.prompt)), ...row.tags.map(tokens)];
  return chunks.every((chunk, i) => {
    const word = chunk.slice(0, 100);
    const phrases = [tokens(word), tokens(spaced(word))];
    const p = prefix && i === chunks.length - 1;
    return phrases.some((phrase) => docs.some((d) => hasPhrase(d, phrase, p)));
  });
}

function expected(rows: Row[], q: SearchQuery): number[] {
  return rows
    .filter((r) => !r.trashed)
    .filter((r) => (q.text === undefined || !q.text.trim() ? true : textMatches(r, q.text)))
    .filter((r) => (q.projectId === undefined ? true : r.projectId === q.projectId))
    .filter((r) => (q.favourite === undefined ? true : r.favourite === q.favourite))
    .filter((r) => (q.minRating === undefined ? true : r.rating >= q.minRating))
    .filter((r) => (q.tag === undefined ? true : r.tags.some((t) => t.toLowerCase() === q.tag?.toLowerCase())))
    .filter((r) => (q.mode === undefined ? true : r.mode === q.mode))
    .filter((r) => (q.model === undefined ? true : r.model === q.model))
    .filter((r) => (q.seed === undefined ? true : r.seed === q.seed))
    .filter((r) => (q.width === undefined ? true : r.width === q.width))
    .filter((r) => (q.height === undefined ? true : r.height === q.height))
    .filter((r) => (q.textCheck === undefined ? true : r.textCheck === q.textCheck))
    // a ranked group shows as its best, unless alternates are asked for or the best is in the trash
    .filter((r) => q.alternates || !r.group || r.group.rank === 0 || !rows.some((b) => b.group?.id === r.group!.id && b.group.rank === 0 && !b.trashed))
    .filter((r) => (q.from === undefined ? true : r.createdAt >= q.from))
    .filter((r) => (q.to === undefined ? true : r.createdAt < q.to))
    .map((r) => r.id)
    .sort((a, b) => b - a);
}

function all(lib: Library, q: SearchQuery, pageSize: number): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = lib.search({ ...q, limit: pageSize, cursor });
    assert.ok(page.items.length <= pageSize);
    ids.push(...page.items.map((g) => g.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return ids;
}

function textCheck(status: TextCheckStatus): TextCheck {
  const total = status === 'no_targets' ? 0 : 2;
  const found = status === 'ok' ? 2 : status === 'issues' ? 1 : 0;
  return {
    status, message: status, targets: [], skipped: [], score: total ? found / 2 : null, found, total, wordAccuracy: total ? found / 2 : null,
    lines: [], width: 8, height: 8, truncated: false, provider: 'cpu', ms: 1, checkedAt: 1,
  };
}

const VOCAB = ['海报', '一张海报', '早安', 'カタカナ', '风景画', 'fox', 'foxes', 'cat', 'AND', 'or', 'near', 'NOT', 'café', 'cafe', 'neon', 'sea', 'red', 'blue', 'poster', '"quoted"', 'prompt:fox', '中文', 'naïve', 'NEAR(fox', 'x*y', 'the', 'a'];
const TAGS = ['Sea', 'sky', 'Portrait', 'old town', '风景'];

let t: ReturnType<typeof tempDir>;
let lib: Library;
const rows: Row[] = [];
let projects: number[] = [];
const base = 1_750_000_000_000;

before(async () => {
  t = tempDir();
  lib = await Library.open(t.dir);
  projects = [lib.createProject('One').id, lib.createProject('Two').id, lib.createProject('Three').id];
  let s = 42;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  for (let i = 0; i < 240; i++) {
    const words = Array.from({ length: 2 + Math.floor(rnd() * 6) }, () => pick(VOCAB));
    const prompt = words.join(' ');
    const tags = TAGS.filter(() => rnd() < 0.2);
    const projectId = pick([...projects, null]);
    const mode = pick(['text', 'edit', 'style'] as const);
    const model = pick(['glm-image', 'glm-image-int4']);
    const seed = Math.floor(rnd() * 5);
    const createdAt = base + Math.floor(rnd() * 1_000_000); // not in id order on purpose
    const [width, height] = pick([[8, 8], [8, 12], [12, 8]]);
    const g = await lib.addGeneration({
      recipe: recipe({ prompt, mode, model, seed, width, height }),
      image: { raw: noisePixels(i + 1, width, height), width, height, channels: 3 },
      projectId,
      tags,
      createdAt,
    });
    const favourite = rnd() < 0.25;
    const rating = Math.floor(rnd() * 6);
    lib.updateGeneration(g.id, { favourite, rating });
    // a text check on most rows: every string read, some not, nothing to check; the rest unchecked
    const verdict = pick<TextCheckStatus | null>(['ok', 'issues', 'no_targets', null]);
    if (verdict) lib.setTextCheck(g.id, textCheck(verdict));
    rows.push({ id: g.id, prompt, tags, projectId, mode, model, seed, width, height, favourite, rating, createdAt, trashed: false, textCheck: verdict, group: null });
  }
  // best-of-N groups of four among the last rows (made as a group, then ranked); one left unranked
  for (let start = 200; start < 240; start += 4) {
    const members = rows.slice(start, start + 4);
    const groupId = lib.createGroup();
    lib.db.prepare(`UPDATE generations SET group_id = ? WHERE id IN (${members.map(() => '?').join(',')})`).run(groupId, ...members.map((m) => m.id));
    if (start === 236) continue;
    const ranked = [...members].sort(() => rnd() - 0.5);
    lib.rankGroup(groupId, ranked.map((m) => m.id));
    ranked.forEach((m, rank) => (m.group = { id: groupId, rank }));
    if (start === 200 && !ranked[0]!.trashed) {
      // the best of this group goes to the trash: its alternates stand in for it
      lib.deleteGenerations([ranked[0]!.id]);
      ranked[0]!.trashed = true;
    }
  }
  const doomed = rows.filter((_, i) => i % 9 === 4);
  lib.deleteGenerations(doomed.map((r) => r.id));
  for (const r of doomed) r.trashed = true;
});

after(() => {
  lib.close();
  t.cleanup();
});

const HOSTILE = [
  '"unbalanced',
  'fox"',
  '""',
  'AND',
  'fox AND cat',
  'fox OR cat',
  'NOT fox',
  'NEAR(fox cat)',
  'NEAR(fox',
  'fox*',
  '*',
  'prompt:fox',
  'tags_text:sea',
  '{prompt tags_text}: fox',
  '-fox',
  '^fox',
  '(fox',
  'fox)',
  "'; DROP TABLE generations; --",
  '\\',
  'x*y',
  'café',
  'CAFE',
  'naive',
  '中文',
  '海报',
  '报',
  '张海',
  '风景',
  'カタ',
  '早安 fox',
  '🦊 fox',
  'f',
  'fo',
  'old town',
  'sea ',
  '%_',
  'fox '.repeat(50),
];

describe('library search', () => {
  test('hostile and plain text: never an error, always exactly the rows that contain every word', () => {
    for (const text of HOSTILE) {
      const want = expected(rows, { text });
      const got = all(lib, { text }, 1000);
      assert.deepEqual(got, want, `query ${JSON.stringify(text)}`);
    }
    // the corpus makes these non-trivial
    assert.ok(expected(rows, { text: 'fox AND cat' }).length > 0);
    assert.ok(expected(rows, { text: 'NEAR(fox' }).length > 0);
    // words inside unspaced Chinese text are found
    assert.ok(expected(rows, { text: '张海' }).length > 0);
    assert.ok(expected(rows, { text: '报 ' }).length > expected(rows, { text: '一张海报 ' }).length);
    assert.deepEqual(all(lib, { text: 'cafe ' }, 1000), all(lib, { text: 'CAFÉ ' }, 1000)); // accents and case folded
  });

  test('filters alone and combined with text, newest first, paginated without gaps or repeats', () => {
    const queries: SearchQuery[] = [
      {},
      { projectId: projects[0] },
      { projectId: null },
      { favourite: true },
      { favourite: false, mode: 'edit' },
      { minRating: 4 },
      { tag: 'sea' },
      { tag: 'OLD TOWN', favourite: true },
      { mode: 'edit', model: 'glm-image' },
      { seed: 3 },
      { width: 8, height: 12 },
      { width: 12, favourite: true },
      { from: base + 200_000, to: base + 600_000 },
      { text: 'fox', projectId: projects[1] },
      { text: 'fox', tag: 'sky' },
      { text: 'neon', favourite: true, from: base + 100_000 },
      { text: 'cat', mode: 'text', model: 'glm-image-int4', minRating: 2 },
      { tag: 'Portrait', projectId: projects[2], to: base + 700_000 },
      { textCheck: 'ok' },
      { textCheck: 'issues' },
      { textCheck: 'issues', text: 'fox' },
      { textCheck: 'ok', favourite: true, projectId: projects[1] },
      { textCheck: 'issues', tag: 'sea' },
      { alternates: true },
      { alternates: true, textCheck: 'ok' },
      { alternates: true, text: 'cat' },
    ];
    for (const q of queries) {
      const want = expected(rows, q);
      for (const size of [1, 7, 500]) assert.deepEqual(all(lib, q, size), want, `${JSON.stringify(q)} page ${size}`);
    }
    assert.ok(expected(rows, { tag: 'OLD TOWN', favourite: true }).length > 0);
    // the corpus makes the text check and group filters non-trivial
    for (const v of ['ok', 'issues'] as const) assert.ok(expected(rows, { textCheck: v }).length > 10);
    const hidden = expected(rows, { alternates: true }).length - expected(rows, {}).length;
    assert.ok(hidden > 10, `${hidden} alternates hidden`);
    assert.ok(rows.some((r) => r.trashed && r.group?.rank === 0), 'a trashed best lets its alternates stand in');
  });

  test('the text check of a generation: stored beside the row, replaced by a newer one; groups list their members best first', () => {
    const r = rows.find((x) => !x.trashed && x.textCheck === 'issues')!;
    const g = lib.getGeneration(r.id);
    assert.equal(g.textCheck, 'issues');
    assert.equal(g.textCheckDetails?.found, 1);
    const again = lib.setTextCheck(r.id, textCheck('ok'));
    assert.equal(again.textCheck, 'ok');
    assert.equal(again.textCheckDetails?.status, 'ok');
    assert.ok(expected(rows, { textCheck: 'issues' }).includes(r.id));
    assert.ok(!lib.search({ textCheck: 'issues', limit: 500 }).items.some((x) => x.id === r.id));
    lib.setTextCheck(r.id, textCheck('issues'));
    assert.throws(() => lib.setTextCheck(999_999, textCheck('ok')), (e: unknown) => e instanceof GlimmerError && e.code === 'not_found');
    assert.throws(() => lib.setTextCheck(r.id, { ...textCheck('ok'), score: 7 }), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_request');
    assert.equal(lib.getGeneration(r.id).textCheck, 'issues', 'a refused check changes nothing');
    // a group lists its members best first
    const grouped = rows.find((x) => x.group?.rank === 2)!;
    const members = lib.getGeneration(grouped.id).group!.members;
    const want = rows.filter((x) => x.group?.id === grouped.group!.id && !x.trashed).sort((a, b) => a.group!.rank - b.group!.rank).map((x) => x.id);
    assert.deepEqual(members, want);
    assert.throws(() => lib.rankGroup(grouped.group!.id, [rows[0]!.id]), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_request');
  });

  test('tag counts count live generations only', () => {
    const want = new Map<string, number>();
    for (const r of rows.filter((x) => !x.trashed)) for (const t of r.tags) want.set(t, (want.get(t) ?? 0) + 1);
    assert.ok(rows.some((r) => r.trashed && r.tags.length > 0), 'the corpus has trashed tagged rows');
    const got = lib.listTags();
    assert.deepEqual(new Map(got.map((t) => [t.name, t.count])), want);
  });

  test('unknown tag, empty text and a bad cursor', () => {
    assert.deepEqual(lib.search({ tag: 'no such tag' }).items, []);
    assert.equal(lib.search({ text: '   ' }).items.length, Math.min(50, expected(rows, {}).length));
    assert.throws(() => lib.search({ cursor: 'not-a-cursor' }), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_request');
  });

  test('every query shape is answered from an index: no table scan, no sort of the result set', () => {
    const shapes: SearchQuery[] = [
      {},
      { cursor: lib.search({ limit: 3 }).nextCursor },
      { text: 'fox' },
      { text: 'fox', projectId: projects[0], favourite: true, cursor: lib.search({ text: 'fox', limit: 1 }).nextCursor },
      { tag: 'sea' },
      { tag: 'sea', mode: 'text' },
      { projectId: projects[0] },
      { projectId: null },
      { favourite: true },
      { mode: 'edit' },
      { model: 'glm-image' },
      { seed: 3 },
      { width: 8, height: 12 },
      { from: base, to: base + 10 },
      { minRating: 3 },
      { textCheck: 'issues' },
      { textCheck: 'ok', projectId: projects[0] },
      { alternates: true },
    ];
    for (const q of shapes) {
      const plan = lib.explainSearch(q);
      const where = `${JSON.stringify(q)}:\n${plan.join('\n')}`;
      for (const line of plan) {
        assert.ok(!/^SCAN (g|generations)( |$)(?!.*USING)/.test(line) || /USING (COVERING )?INDEX/.test(line), `table scan in ${where}`);
        assert.ok(!/^SCAN (g|generations)$/.test(line), `table scan in ${where}`);
        assert.ok(!/TEMP B-TREE/.test(line), `sort in ${where}`);
      }
      if (q.text) {
        assert.ok(plan.some((l) => /^SCAN f VIRTUAL TABLE INDEX/.test(l)), `FTS not used: ${where}`);
        assert.ok(plan.some((l) => /^SEARCH g USING INTEGER PRIMARY KEY/.test(l)), where);
      } else if (q.tag) {
        assert.ok(plan.some((l) => /^SEARCH gt USING PRIMARY KEY \(tag_id=\?\)/.test(l)), where);
      } else {
        assert.ok(plan.some((l) => /^SEARCH g USING ((COVERING )?INDEX generations_|INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\))/.test(l)), where);
      }
    }
  });

  test('tag edits and renames keep the text index in sync', () => {
    const target = rows.find((r) => !r.trashed && r.tags.length === 0);
    assert.ok(target);
    assert.ok(!lib.search({ text: 'zebracorn' }).items.length);
    lib.updateGeneration(target.id, { tags: ['Zebracorn'] });
    assert.deepEqual(lib.search({ text: 'zebracorn' }).items.map((g) => g.id), [target.id]);
    lib.db.prepare("UPDATE tags SET name = 'Unicorn' WHERE name = 'Zebracorn'").run();
    assert.deepEqual(lib.search({ text: 'zebracorn' }).items, []);
    assert.deepEqual(lib.search({ text: 'unicorn' }).items.map((g) => g.id), [target.id]);
    lib.updateGeneration(target.id, { tags: [] });
    assert.deepEqual(lib.search({ text: 'unicorn' }).items, []);
    // FTS5 checks its index against the content table and throws on any difference
    assert.doesNotThrow(() => lib.db.prepare("INSERT INTO generations_fts(generations_fts, rank) VALUES ('integrity-check', 1)").run());
  });
});
