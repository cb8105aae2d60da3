import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extractGlyphTexts, ByT5Tokenizer, buildGlyphBatch, relativePositionBuckets, relativePositionBucket } from '../../main/engine/glyph';
import { quotedRanges, unbalancedQuotes } from '../../main/contract';

/**
 * Independent model of the reference rule: Python re.findall of four patterns, each a non-overlapping
 * left-to-right scan "open, then the longest run of allowed characters, then close", concatenated by kind.
 */
function scanKind(prompt: string, open: string, close: string, banned: string[]): string[] {
  const cps = [...prompt];
  const out: string[] = [];
  let i = 0;
  while (i < cps.length) {
    if (cps[i] === open) {
      let j = i + 1;
      while (j < cps.length && !banned.includes(cps[j]!)) j++;
      if (j < cps.length && cps[j] === close) {
        out.push(cps.slice(i + 1, j).join(''));
        i = j + 1;
        continue;
      }
    }
    i++;
  }
  return out;
}
function reference(prompt: string): string[] {
  return [
    ...scanKind(prompt, "'", "'", ["'"]),
    ...scanKind(prompt, '\u201c', '\u201d', ['\u201c', '\u201d']),
    ...scanKind(prompt, '"', '"', ['"']),
    ...scanKind(prompt, '「', '」', ['「', '」']),
  ];
}

/**
 * Independent model of our apostrophe rule (main/contract/quotes.ts): one regular expression — an
 * opening mark not after a word character, then any characters but apostrophes, or apostrophes with a
 * word character on both sides, then a closing mark not before a word character.
 */
const W = String.raw`(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}])`;
const OURS_APOSTROPHE = new RegExp(String.raw`(?<!${W})'((?:[^']|(?<=${W})'(?=${W}))*)'(?!${W})`, 'gu');
function ours(prompt: string): string[] {
  return [
    ...[...prompt.matchAll(OURS_APOSTROPHE)].map((m) => m[1]!),
    ...scanKind(prompt, '\u201c', '\u201d', ['\u201c', '\u201d']),
    ...scanKind(prompt, '"', '"', ['"']),
    ...scanKind(prompt, '「', '」', ['「', '」']),
  ];
}
const WORD_CHAR = new RegExp(`^${W}$`, 'u');
/** True when no apostrophe of the prompt has a letter or digit (of a spaced script) beside it. */
function apostrophesStandAlone(prompt: string): boolean {
  const cps = [...prompt];
  return cps.every((c, i) => c !== "'" || (!WORD_CHAR.test(cps[i - 1] ?? '') && !WORD_CHAR.test(cps[i + 1] ?? '')));
}

describe('glyph: quoted-text extraction (reference rules)', () => {
  test('each quote kind', () => {
    assert.deepEqual(extractGlyphTexts("A poster that says 'HELLO' in red"), ['HELLO']);
    assert.deepEqual(extractGlyphTexts('a sign "OPEN 24/7"'), ['OPEN 24/7']);
    assert.deepEqual(extractGlyphTexts('写着“你好”的海报'), ['你好']);
    assert.deepEqual(extractGlyphTexts('ロゴ「こんにちは」'), ['こんにちは']);
  });

  test('grouped by kind in the reference order (single, curly double, ASCII double, corner), not prompt order', () => {
    assert.deepEqual(extractGlyphTexts('「D」 "C" “B” \'A\''), ['A', 'B', 'C', 'D']);
    assert.deepEqual(extractGlyphTexts('"x" \'y\' "z"'), ['y', 'x', 'z']);
  });

  test('quotes the reference does not use are plain characters', () => {
    assert.deepEqual(extractGlyphTexts('‘single curly’ 『white corner』 «guillemets» ＂fullwidth＂'), []);
  });

  test('nested quotes: each kind scans the whole prompt on its own', () => {
    assert.deepEqual(extractGlyphTexts('"say \'hi\' now"'), ['hi', "say 'hi' now"]);
    assert.deepEqual(extractGlyphTexts('“outer “inner” tail”'), ['inner']);
    assert.deepEqual(extractGlyphTexts('「a「b」c」'), ['b']);
  });

  test('unbalanced quotes', () => {
    assert.deepEqual(extractGlyphTexts('it\'s "open'), []);
    assert.deepEqual(extractGlyphTexts('“left only'), []);
    assert.deepEqual(extractGlyphTexts('right only”'), []);
    assert.deepEqual(extractGlyphTexts('"a" "b'), ['a']);
  });

  test('mixed quotes, empty quotes, newlines inside quotes, empty prompt', () => {
    assert.deepEqual(extractGlyphTexts('“a" b”'), ['a" b']);
    assert.deepEqual(extractGlyphTexts('""'), ['']);
    assert.deepEqual(extractGlyphTexts("'line1\nline2'"), ['line1\nline2']);
    assert.deepEqual(extractGlyphTexts(''), []);
    assert.deepEqual(extractGlyphTexts('no quotes at all'), []);
  });

  test('emoji and astral characters stay whole', () => {
    assert.deepEqual(extractGlyphTexts('"🎨 art"'), ['🎨 art']);
  });

  test('random prompts agree with an independent model of the rule, and with the reference wherever no apostrophe touches a word', () => {
    const alphabet = ["'", "'", '"', '\u201c', '\u201d', '「', '」', '‘', '’', 'a', 'b', '7', 'é', ' ', '\n', '你', 'カ', '🎨', '.'];
    let state = 12345;
    const rand = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    let standAlone = 0;
    let differ = 0;
    for (let k = 0; k < 6000; k++) {
      const len = rand(30);
      let p = '';
      for (let i = 0; i < len; i++) p += alphabet[rand(alphabet.length)];
      assert.deepEqual(extractGlyphTexts(p), ours(p), JSON.stringify(p));
      if (apostrophesStandAlone(p)) {
        standAlone++;
        assert.deepEqual(extractGlyphTexts(p), reference(p), `reference agreement: ${JSON.stringify(p)}`);
      } else if (JSON.stringify(extractGlyphTexts(p)) !== JSON.stringify(reference(p))) differ++;
    }
    // both kinds of prompt were drawn, and the rule does change some texts
    assert.ok(standAlone > 500 && differ > 100, `${standAlone} stand-alone, ${differ} differing`);
  });
});

describe('quote rule: apostrophes inside words (our deviation from the reference)', () => {
  test('an apostrophe between letters or digits is not a quote mark', () => {
    assert.deepEqual(extractGlyphTexts("the girl's hat and the boy's coat"), []);
    assert.deepEqual(reference("the girl's hat and the boy's coat"), ['s hat and the boy'], 'the reference draws this');
    assert.deepEqual(extractGlyphTexts("a cat's toy, it's red, rock'n'roll, the 90's"), []);
    assert.deepEqual(extractGlyphTexts("l'été à l'heure"), []);
  });

  test('it stays part of a quoted text', () => {
    assert.deepEqual(extractGlyphTexts("a sign 'it's open' on the door"), ["it's open"]);
    assert.deepEqual(extractGlyphTexts("the girl's poster says 'DON'T PANIC' in red"), ["DON'T PANIC"]);
  });

  test('opening marks do not follow a word, closing marks do not precede one', () => {
    assert.deepEqual(extractGlyphTexts("the dogs' bowl says 'WOOF'"), ['WOOF']);
    assert.deepEqual(reference("the dogs' bowl says 'WOOF'"), [' bowl says '], 'the reference draws this');
    assert.deepEqual(extractGlyphTexts("'a 'b'"), ['b']);
    assert.deepEqual(extractGlyphTexts("('HELLO')"), ['HELLO']);
    assert.deepEqual(extractGlyphTexts("''"), ['']);
  });

  test('beside Chinese or Japanese characters the marks are quotes, as in the reference', () => {
    assert.deepEqual(extractGlyphTexts("写着'你好'的海报"), ['你好']);
    assert.deepEqual(extractGlyphTexts("ロゴ'カフェ'です"), ['カフェ']);
    assert.deepEqual(extractGlyphTexts("写着'你好'的海报"), reference("写着'你好'的海报"));
  });

  test('every golden prompt keeps its texts', () => {
    assert.deepEqual(extractGlyphTexts("A poster that says 'HELLO' in red, 32 px"), ['HELLO']);
    assert.deepEqual(extractGlyphTexts('一张写着“你好”的海报 and "Latte 4.50"'), ['你好', 'Latte 4.50']);
    assert.deepEqual(extractGlyphTexts('Make it in the style of an oil painting'), []);
  });
});

describe('quote rule: unbalanced quote marks (what the prompt editor reports)', () => {
  const marks = (p: string) => unbalancedQuotes(p).map((u) => `${u.mark}@${u.index}:${u.missing}`);

  test('balanced prompts and in-word apostrophes report nothing', () => {
    assert.deepEqual(marks('a sign "OPEN" and “Café” and 「東京」 and \'one\''), []);
    assert.deepEqual(marks("the girl's hat, it's fine, the dogs' bowl"), []);
    assert.deepEqual(marks('no quotes'), []);
  });

  test('each kind of mark left open or closed alone, in prompt order', () => {
    assert.deepEqual(marks('it\'s "open'), ['"@5:close']);
    assert.deepEqual(marks('“left only'), ['“@0:close']);
    assert.deepEqual(marks('right only”'), ['”@10:open']);
    assert.deepEqual(marks('「a「b」c」'), ['「@0:close', '」@6:open']);
    assert.deepEqual(marks("say 'hello to all"), ["'@4:close"]);
    assert.deepEqual(marks('"a" "b'), ['"@4:close']);
  });

  test('a mark reported is one no quoted range uses', () => {
    for (const p of ['"a" "b', '“x “y” z”', "'a 'b'", "x ' y", '「「」']) {
      const used = new Set(quotedRanges(p).flatMap((r) => [r.start, r.end - 1]));
      for (const u of unbalancedQuotes(p)) assert.ok(!used.has(u.index), `${p} @${u.index}`);
    }
  });
});

describe('glyph: ByT5 tokenizer and batch', () => {
  const tok = new ByT5Tokenizer();

  test('ids are UTF-8 bytes + 3, then eos 1', () => {
    const text = 'Hé你🎨';
    const bytes = [...Buffer.from(text, 'utf8')];
    assert.deepEqual(tok.encode(text), [...bytes.map((b) => b + 3), 1]);
    assert.deepEqual(tok.encode(''), [1]);
  });

  test('added tokens are kept whole; pad/eos/unk eat neighbouring whitespace; eos is not doubled', () => {
    const b = (s: string) => [...Buffer.from(s, 'utf8')].map((x) => x + 3);
    assert.deepEqual(tok.encode('a <extra_id_0> b'), [...b('a '), 259, ...b(' b'), 1]);
    assert.deepEqual(tok.encode('a <pad>\u3000 b'), [...b('a'), 0, ...b('b'), 1]);
    assert.deepEqual(tok.encode('x </s>'), [...b('x'), 1]);
    assert.deepEqual(tok.encode('<extra_id_12> <extra_id_1>'), [271, ...b(' '), 260, 1]);
    assert.deepEqual(tok.encode('<extra_id_999>'), [...b('<extra_id_999>'), 1]);
  });

  test('truncation keeps maxLength-1 bytes and appends eos, as the reference', () => {
    const long = 'x'.repeat(5000);
    const ids = tok.encode(long, 2048);
    assert.equal(ids.length, 2048);
    assert.equal(ids[2047], 1);
    assert.equal(ids[2046], 'x'.charCodeAt(0) + 3);
    assert.equal(tok.encode('abc', 4).length, 4);
    assert.deepEqual(tok.encode('abcd', 4), [100, 101, 102, 1]);
  });

  test('lone surrogates are refused with a clear error', () => {
    assert.throws(() => tok.encode('bad \ud800 text'), /invalid character/);
  });

  test('batch: no texts → [""]; even count → one leading pad per row; right padding and mask', () => {
    const empty = buildGlyphBatch([], tok);
    assert.deepEqual([empty.batch, empty.seqLen, empty.totalTokens], [1, 1, 1]);
    assert.deepEqual([...empty.inputIds], [1n]);
    assert.deepEqual([...empty.attentionMask], [1n]);

    const two = buildGlyphBatch(['ab', 'cdef'], tok);
    assert.deepEqual([two.batch, two.seqLen], [2, 6]);
    assert.deepEqual(two.lengths, [4, 6]);
    assert.deepEqual([...two.inputIds], [0n, 100n, 101n, 1n, 0n, 0n, 0n, 102n, 103n, 104n, 105n, 1n]);
    assert.deepEqual([...two.attentionMask], [1n, 1n, 1n, 1n, 0n, 0n, 1n, 1n, 1n, 1n, 1n, 1n]);

    const three = buildGlyphBatch(['a', 'b', 'c'], tok);
    assert.deepEqual(three.lengths, [2, 2, 2]);
  });

  test('enormous prompt: each text truncated to 2048 like the reference; beyond the total cap a clear error', () => {
    const ok = buildGlyphBatch(['y'.repeat(10000)], tok);
    assert.deepEqual([ok.seqLen, ok.totalTokens], [2048, 2048]);
    const many = Array.from({ length: 9 }, () => 'z'.repeat(3000));
    assert.throws(() => buildGlyphBatch(many, tok), (err: Error & { code?: string }) => err.code === 'bad_request' && /too long/.test(err.message));
    assert.equal(buildGlyphBatch(many, tok, { maxTotalTokens: 1e6 }).totalTokens, 9 * 2048);
  });
});

describe('glyph: T5 relative position buckets', () => {
  test('bidirectional 32/128 buckets agree with a double-precision evaluation of the T5 formula', () => {
    const cfg = { numBuckets: 32, maxDistance: 128, bidirectional: true };
    const ref = (rel: number) => {
      const half = 16;
      const base = rel > 0 ? half : 0;
      const n = Math.abs(rel);
      if (n < 8) return base + n;
      return base + Math.min(half - 1, 8 + Math.floor((Math.log(n / 8) / Math.log(128 / 8)) * 8 + 1e-9));
    };
    for (let rel = -3000; rel <= 3000; rel++) assert.equal(relativePositionBucket(rel, cfg), ref(rel), `rel ${rel}`);
    const L = 7;
    const grid = relativePositionBuckets(L, L, cfg);
    for (let q = 0; q < L; q++) for (let k = 0; k < L; k++) assert.equal(grid[q * L + k], BigInt(ref(k - q)));
  });
});
