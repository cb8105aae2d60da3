/**
 * The text check's scoring, without a model: normalisation (NFKC, case, punctuation, CJK spacing),
 * edit distance against an independent textbook implementation and brute force, word boundaries,
 * multi-line targets, boxes, and the per-image answer (worst string, pooled word accuracy, no quotes).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { alignWithin, checkPromptText, levenshtein, normalizeText, scoreTextCheck, textMode, wordSpans, type Quad, type ReadLine } from '../../main/engine/ocr';

/** Textbook Levenshtein (full matrix), independent of align.ts. */
function refLev(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
  return d[x.length]![y.length]!;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An axis-aligned line box. */
function box(x: number, y: number, w: number, h: number): Quad {
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
}

const line = (text: string, b: Quad): ReadLine => ({ text, box: b });

describe('ocr scoring: normalisation', () => {
  test('NFKC, case folding, punctuation and symbols dropped, spaces kept as word boundaries for Latin', () => {
    const n = normalizeText('ＳＡＬＥ！  50% Off—Today', 'latin');
    assert.equal(n.text, 'sale50offtoday');
    assert.deepEqual(
      wordSpans(n).map(([s, e]) => n.chars.slice(s, e).join('')),
      ['sale', '50', 'off', 'today'],
    );
    // each kept character points back at its place in the NFKC text
    assert.equal(n.nfkc[n.source[0]!], 'S');
    assert.equal(n.nfkc.slice(n.source[4]!, n.source[5]! + 1).join(''), '50');
  });

  test('CJK: whitespace and punctuation dropped, every character its own word', () => {
    assert.equal(textMode('新年 快乐！'), 'cjk');
    assert.equal(textMode('GRAND OPENING'), 'latin');
    assert.equal(textMode('ｶﾀｶﾅ'), 'cjk'); // half-width katakana become katakana under NFKC
    const n = normalizeText('新年 快乐，２０２５！', 'cjk');
    assert.equal(n.text, '新年快乐2025');
    assert.equal(wordSpans(n).length, 8);
    assert.ok(n.boundary.every(Boolean));
  });

  test('a Latin word next to CJK characters is bounded by them', () => {
    const n = normalizeText('新年SALE', 'latin');
    assert.deepEqual(
      wordSpans(n).map(([s, e]) => n.chars.slice(s, e).join('')),
      ['新', '年', 'sale'],
    );
  });
});

describe('ocr scoring: edit distance', () => {
  test('known distances', () => {
    const lev = (a: string, b: string) => levenshtein([...a], [...b]);
    assert.equal(lev('kitten', 'sitting'), 3);
    assert.equal(lev('', 'abc'), 3);
    assert.equal(lev('abc', ''), 3);
    assert.equal(lev('flaw', 'lawn'), 2);
    assert.equal(lev('新年快乐', '新年快东'), 1);
  });

  test('equals the textbook algorithm on random strings, and is symmetric', () => {
    const r = rng(7);
    const alphabet = 'abcab新年';
    const word = () => Array.from({ length: Math.floor(r() * 9) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    for (let k = 0; k < 300; k++) {
      const a = word();
      const b = word();
      assert.equal(levenshtein([...a], [...b]), refLev(a, b), `${a} / ${b}`);
      assert.equal(levenshtein([...a], [...b]), levenshtein([...b], [...a]));
    }
  });

  test('best region = brute force over all substrings when every position is allowed', () => {
    const r = rng(11);
    const word = (n: number) => Array.from({ length: n }, () => 'abcd'[Math.floor(r() * 4)]).join('');
    for (let k = 0; k < 200; k++) {
      const t = word(1 + Math.floor(r() * 5));
      const c = word(Math.floor(r() * 10));
      const all = Array.from({ length: c.length + 1 }, () => true);
      const a = alignWithin([...t], [...c], all, all);
      let brute = Infinity;
      for (let s = 0; s <= c.length; s++) for (let e = s; e <= c.length; e++) brute = Math.min(brute, refLev(t, c.slice(s, e)));
      assert.equal(a.distance, brute, `${t} in ${c}`);
      assert.equal(refLev(t, c.slice(a.start, a.end)), a.distance, 'the region returned has that distance');
    }
  });

  test('a match may only start and end on word boundaries', () => {
    const c = normalizeText('the CATALOG sat', 'latin');
    const a = alignWithin([...'cat'], c.chars, c.boundary, c.boundary);
    assert.ok(a.distance > 0, 'CAT is not found inside CATALOG');
    const d = normalizeText('the cat sat', 'latin');
    const b = alignWithin([...'cat'], d.chars, d.boundary, d.boundary);
    assert.equal(b.distance, 0);
    assert.equal(d.chars.slice(b.start, b.end).join(''), 'cat');
  });
});

describe('ocr scoring: targets against read lines', () => {
  test('a string read exactly: found, similarity 1, its line box', () => {
    const r = scoreTextCheck(['GRAND OPENING'], [line('Grand Opening!', box(10, 10, 300, 40))]);
    assert.equal(r.status, 'ok');
    const t = r.targets[0]!;
    assert.equal(t.found, true);
    assert.equal(t.similarity, 1);
    assert.equal(t.wordAccuracy, 1);
    assert.equal(t.read, 'Grand Opening');
    assert.deepEqual(t.boxes, [box(10, 10, 300, 40)]);
    assert.equal(r.score, 1);
  });

  test('spaces the recognizer dropped or added do not count; a misspelling does, with what was read', () => {
    assert.equal(scoreTextCheck(['SUMMER SALE'], [line('SUMMERSALE', box(0, 0, 200, 30))]).targets[0]!.found, true);
    const r = scoreTextCheck(['GRAND OPENING'], [line('GRAND OPENNIG', box(0, 0, 300, 40))]);
    const t = r.targets[0]!;
    assert.equal(t.found, false);
    // "grandopening" vs "grandopennig": two substitutions over 12 characters
    assert.equal(t.similarity, 1 - 2 / 12);
    assert.equal(t.words, 2);
    assert.equal(t.correctWords, 1, 'GRAND right, OPENING wrong');
    assert.equal(t.read, 'GRAND OPENNIG');
    assert.equal(r.status, 'issues');
    assert.match(r.message, /"GRAND OPENING" \(read "GRAND OPENNIG"\)/);
  });

  test('a word inserted inside a target breaks that word only; a missing letter lowers similarity by 1/len', () => {
    const t = scoreTextCheck(['Fresh Coffee Daily'], [line('Fresh Cofee Daily', box(0, 0, 300, 30))]).targets[0]!;
    assert.equal(t.similarity, 1 - 1 / 16);
    assert.equal(t.correctWords, 2);
    assert.equal(t.wordAccuracy, 2 / 3);
  });

  test('a target drawn over two lines is matched against the lines joined, with a box per line', () => {
    const lines = [line('Join us for the best', box(40, 90, 340, 34)), line('coffee in town', box(40, 150, 245, 34))];
    const t = scoreTextCheck(['Join us for the best coffee in town'], lines).targets[0]!;
    assert.equal(t.found, true);
    assert.deepEqual(t.lines, [0, 1]);
    assert.deepEqual(t.boxes, [lines[0]!.box, lines[1]!.box]);
    assert.equal(t.read, 'Join us for the best coffee in town');
  });

  test('words split into boxes on one row are joined left to right', () => {
    const lines = [line('GRAND', box(40, 100, 120, 40)), line('OPENING', box(180, 100, 170, 40))];
    assert.equal(scoreTextCheck(['GRAND OPENING'], lines).targets[0]!.found, true);
    // ... but not right to left, nor across a wide gap, nor lines far apart
    assert.equal(scoreTextCheck(['OPENING GRAND'], lines).targets[0]!.found, false);
    assert.equal(scoreTextCheck(['GRAND OPENING'], [line('GRAND', box(0, 0, 100, 40)), line('OPENING', box(600, 0, 150, 40))]).targets[0]!.found, false);
    assert.equal(scoreTextCheck(['GRAND OPENING'], [line('GRAND', box(0, 0, 100, 40)), line('OPENING', box(0, 400, 150, 40))]).targets[0]!.found, false);
  });

  test('a target that is part of a line: found on word boundaries, its box narrowed to its part of the line', () => {
    const b = box(0, 0, 420, 40);
    const t = scoreTextCheck(['SALE'], [line('BIG SUMMER SALE TODAY', b)]).targets[0]!;
    assert.equal(t.found, true);
    assert.equal(t.read, 'SALE');
    // "SALE" is characters 11..15 of the 21: x from 420*11/21 to 420*15/21
    assert.deepEqual(t.boxes, [box(220, 0, 80, 40)]);
    const cat = scoreTextCheck(['CAT'], [line('CATALOG', b)]).targets[0]!;
    assert.equal(cat.found, false);
  });

  test('Chinese: spaces and punctuation ignored, character accuracy', () => {
    const lines = [line('新年 快乐！', box(0, 0, 300, 60)), line('欢迎光东', box(0, 100, 300, 60))];
    const r = scoreTextCheck(['新年快乐', '欢迎光临'], lines);
    assert.equal(r.targets[0]!.found, true);
    const miss = r.targets[1]!;
    assert.equal(miss.found, false);
    assert.equal(miss.similarity, 0.75);
    assert.equal(miss.words, 4);
    assert.equal(miss.correctWords, 3);
    assert.equal(miss.read, '欢迎光东');
    assert.equal(r.score, 0.75, 'the image scores as its worst string');
    assert.equal(r.wordAccuracy, (4 + 3) / (4 + 4), 'pooled over strings');
    assert.equal(r.found, 1);
    assert.equal(r.total, 2);
  });

  test('Chinese over two lines (a column broken in two)', () => {
    const t = scoreTextCheck(['春季大促销活动'], [line('春季大', box(0, 0, 180, 60)), line('促销活动', box(0, 70, 240, 60))]).targets[0]!;
    assert.equal(t.found, true);
    assert.equal(t.boxes.length, 2);
  });

  test('nothing read: every string missing, nothing to show', () => {
    const r = scoreTextCheck(['HELLO', 'WORLD'], []);
    assert.equal(r.status, 'issues');
    assert.equal(r.found, 0);
    assert.equal(r.score, 0);
    assert.ok(r.targets.every((t) => !t.found && t.read === null && t.boxes.length === 0 && t.similarity === 0));
    assert.match(r.message, /No text was read/);
  });

  test('targets come from the prompt by the engine quote rule; no quotes is a clear answer, not a score', () => {
    const lines = [line('OPEN', box(0, 0, 100, 40)), line('营业中', box(0, 60, 150, 40))];
    const r = checkPromptText('a shop sign "OPEN" with 「营业中」 below', lines);
    assert.deepEqual(
      r.targets.map((t) => t.target),
      ['OPEN', '营业中'],
    );
    assert.equal(r.status, 'ok');
    const none = checkPromptText('a cat on a sofa', lines);
    assert.equal(none.status, 'no_targets');
    assert.equal(none.score, null);
    assert.equal(none.wordAccuracy, null);
    assert.match(none.message, /quotes no text/);
    const punct = checkPromptText('a sign "!!!" and ""', lines);
    assert.equal(punct.status, 'no_targets');
    assert.deepEqual(punct.skipped, ['!!!', '']);
  });
});
