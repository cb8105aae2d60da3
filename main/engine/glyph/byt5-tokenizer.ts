/**
 * ByT5 byte tokenizer, as transformers' ByT5Tokenizer (slow, Python backend) encodes one text with
 * `tokenizer(text, max_length=M, truncation=True)`:
 *
 *  1. The text is cut at added tokens (<pad>, </s>, <unk>, <extra_id_N> as listed in tokenizer_config.json;
 *     leftmost match first, longest match at a position). An added token with rstrip/lstrip eats the Unicode
 *     whitespace (Python str.isspace) on its right/left side.
 *  2. Every other piece becomes its UTF-8 bytes; byte b has id b + offset (offset 3: ids 0,1,2 are pad, eos, unk).
 *  3. Truncation keeps the first M-1 ids (room for eos) when the ids plus eos would exceed M.
 *  4. eos (</s>) is appended unless the ids already end with eos (the reference's _add_eos_if_not_present).
 *
 * Text that is not valid Unicode (a lone UTF-16 surrogate) cannot be UTF-8 encoded: the reference raises,
 * we throw a GlimmerError('bad_request').
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../../contract';

export interface AddedToken {
  id: number;
  content: string;
  lstrip: boolean;
  rstrip: boolean;
  singleWord: boolean;
}

export interface ByT5TokenizerSpec {
  addedTokens: AddedToken[];
  padToken: string;
  eosToken: string;
  unkToken: string;
  /** Id of byte 0 (the number of ids in front of the byte range). */
  offset: number;
}

/** Whitespace as Python's str.isspace() sees it (what str.strip() removes). */
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const LONE_SURROGATE = /\p{Cs}/u;

function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && PY_SPACE.test(s[end - 1]!)) end--;
  return s.slice(0, end);
}

function pyLstrip(s: string): string {
  let start = 0;
  while (start < s.length && PY_SPACE.test(s[start]!)) start++;
  return s.slice(start);
}

/** The stock ByT5 layout: pad 0, eos 1, unk 2 (strip both sides), bytes 3..258, <extra_id_i> = 259 + i. */
export function defaultByT5Spec(extraIds = 125): ByT5TokenizerSpec {
  const addedTokens: AddedToken[] = [
    { id: 0, content: '<pad>', lstrip: true, rstrip: true, singleWord: false },
    { id: 1, content: '</s>', lstrip: true, rstrip: true, singleWord: false },
    { id: 2, content: '<unk>', lstrip: true, rstrip: true, singleWord: false },
  ];
  for (let i = 0; i < extraIds; i++) {
    addedTokens.push({ id: 259 + i, content: `<extra_id_${i}>`, lstrip: false, rstrip: false, singleWord: false });
  }
  return { addedTokens, padToken: '<pad>', eosToken: '</s>', unkToken: '<unk>', offset: 3 };
}

interface RawAddedToken {
  content?: unknown;
  lstrip?: unknown;
  rstrip?: unknown;
  single_word?: unknown;
}

function tokenName(v: unknown, fallback: string): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return fallback;
}

/** Read tokenizer_config.json of a ByT5 tokenizer folder (the checkpoint's tokenizer/); stock layout if absent. */
export function readByT5Spec(tokenizerDir: string): ByT5TokenizerSpec {
  const file = path.join(tokenizerDir, 'tokenizer_config.json');
  if (!existsSync(file)) return defaultByT5Spec();
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new GlimmerError('model_corrupt', `The glyph tokenizer config ${file} is not valid JSON. Re-download the model.`, {
      cause: String(err),
    });
  }
  const cls = cfg.tokenizer_class;
  if (typeof cls === 'string' && cls !== 'ByT5Tokenizer') {
    throw new GlimmerError('model_corrupt', `${file} names tokenizer ${cls}; the glyph encoder needs ByT5Tokenizer.`);
  }
  const spec = defaultByT5Spec(0);
  const decoder = cfg.added_tokens_decoder as Record<string, RawAddedToken> | undefined;
  if (decoder && typeof decoder === 'object') {
    spec.addedTokens = Object.entries(decoder).map(([id, t]) => ({
      id: Number(id),
      content: String(t.content),
      lstrip: t.lstrip === true,
      rstrip: t.rstrip === true,
      singleWord: t.single_word === true,
    }));
    spec.addedTokens.sort((a, b) => a.id - b.id);
  } else {
    spec.addedTokens = defaultByT5Spec().addedTokens;
  }
  spec.padToken = tokenName(cfg.pad_token, '<pad>');
  spec.eosToken = tokenName(cfg.eos_token, '</s>');
  spec.unkToken = tokenName(cfg.unk_token, '<unk>');
  return spec;
}

export class ByT5Tokenizer {
  readonly padId: number;
  readonly eosId: number;
  readonly unkId: number;
  readonly offset: number;
  private readonly byContent = new Map<string, AddedToken>();
  private readonly firstChars = new Set<string>();
  private readonly maxTokenLength: number;

  constructor(spec: ByT5TokenizerSpec = defaultByT5Spec()) {
    for (const t of spec.addedTokens) {
      if (t.content.length === 0) continue;
      this.byContent.set(t.content, t);
      this.firstChars.add(t.content[0]!);
    }
    this.maxTokenLength = Math.max(0, ...[...this.byContent.keys()].map((c) => c.length));
    const id = (name: string, role: string): number => {
      const t = this.byContent.get(name);
      if (!t) throw new GlimmerError('model_corrupt', `The glyph tokenizer has no ${role} token "${name}".`);
      return t.id;
    };
    this.padId = id(spec.padToken, 'padding');
    this.eosId = id(spec.eosToken, 'end-of-sequence');
    this.unkId = id(spec.unkToken, 'unknown');
    this.offset = spec.offset;
  }

  static fromDir(tokenizerDir: string): ByT5Tokenizer {
    return new ByT5Tokenizer(readByT5Spec(tokenizerDir));
  }

  /** Pieces of text: added tokens (as AddedToken) and plain strings, with strip rules applied. */
  private split(text: string): Array<string | AddedToken> {
    const pieces: Array<string | AddedToken> = [];
    let plainStart = 0;
    let i = 0;
    while (i < text.length) {
      let match: AddedToken | undefined;
      if (this.firstChars.has(text[i]!)) {
        const maxLen = Math.min(this.maxTokenLength, text.length - i);
        for (let len = maxLen; len > 0; len--) {
          const t = this.byContent.get(text.slice(i, i + len));
          if (t) {
            match = t;
            break;
          }
        }
      }
      if (match) {
        if (i > plainStart) pieces.push(text.slice(plainStart, i));
        pieces.push(match);
        i += match.content.length;
        plainStart = i;
      } else {
        i++;
      }
    }
    if (plainStart < text.length) pieces.push(text.slice(plainStart));
    // lstrip / rstrip / single_word, in order, as the reference applies them to neighbouring pieces.
    for (let k = 0; k < pieces.length; k++) {
      const tok = pieces[k];
      if (typeof tok === 'string' || tok === undefined) continue;
      const left = k > 0 ? pieces[k - 1] : undefined;
      const right = k < pieces.length - 1 ? pieces[k + 1] : undefined;
      if (tok.rstrip && typeof right === 'string' && right.length > 0) pieces[k + 1] = pyLstrip(right);
      if (tok.lstrip && typeof left === 'string' && left.length > 0) pieces[k - 1] = pyRstrip(left);
      if (tok.singleWord) {
        const l = pieces[k - 1];
        const r = pieces[k + 1];
        if (typeof l === 'string' && l.length > 0 && !l.endsWith(' ')) {
          pieces[k - 1] = l + tok.content;
          pieces[k] = '';
        } else if (typeof r === 'string' && r.length > 0 && !r.startsWith(' ')) {
          pieces[k + 1] = tok.content + r;
          pieces[k] = '';
        }
      }
    }
    return pieces;
  }

  /** Ids without eos and without truncation. */
  tokenize(text: string): number[] {
    if (LONE_SURROGATE.test(text)) {
      throw new GlimmerError('bad_request', 'The quoted text contains an invalid character (a lone UTF-16 surrogate). Remove it and try again.');
    }
    const ids: number[] = [];
    const utf8 = new TextEncoder();
    for (const piece of this.split(text)) {
      if (typeof piece !== 'string') {
        ids.push(piece.id);
      } else if (piece.length > 0) {
        for (const b of utf8.encode(piece)) ids.push(b + this.offset);
      }
    }
    return ids;
  }

  /** Ids as the reference tokenizer returns them with truncation to maxLength (eos included). */
  encode(text: string, maxLength?: number): number[] {
    let ids = this.tokenize(text);
    if (maxLength !== undefined) {
      if (!Number.isInteger(maxLength) || maxLength < 1) {
        throw new GlimmerError('bad_request', `Glyph max length must be a positive integer, got ${maxLength}.`);
      }
      // The reference removes (ids + eos - maxLength) ids from the end, and only when that leaves at least one.
      const remove = ids.length + 1 - maxLength;
      if (remove > 0 && ids.length > remove) ids = ids.slice(0, ids.length - remove);
    }
    if (ids.length > 0 && ids[ids.length - 1] === this.eosId) return ids;
    ids.push(this.eosId);
    return ids;
  }
}
