/**
 * The GLM tokenizer of a GLM-Image checkpoint (processor/tokenizer.json + tokenizer_config.json),
 * through @huggingface/tokenizers. Ids 0..16511 are the vision vocabulary (`<|dit_token_i|>`);
 * the text vocabulary follows.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { GlimmerError } from '../../contract';

export interface TokenizerConfig {
  bos_token?: string;
  eos_token?: string;
  pad_token?: string;
  image_token?: string;
  grid_bos_token?: string;
  grid_eos_token?: string;
  [key: string]: unknown;
}

export function readJsonFile<T>(file: string, what: string): T {
  if (!existsSync(file)) {
    throw new GlimmerError('model_missing', `${what} is missing: ${file}. Re-download or re-import the model.`, { file });
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new GlimmerError('model_corrupt', `${what} (${file}) is not valid JSON. Re-download or re-import the model.`, {
      file,
      cause: err instanceof Error ? err.message : String(err),
    });
  }
}

export class GlmTokenizer {
  readonly config: TokenizerConfig;
  private readonly tok: Tokenizer;
  private readonly specialIds: Set<number>;

  private constructor(tok: Tokenizer, config: TokenizerConfig) {
    this.tok = tok;
    this.config = config;
    this.specialIds = new Set();
    for (const [id, t] of tok.get_added_tokens_decoder()) if (t.special) this.specialIds.add(id);
  }

  /** Loads processor/tokenizer.json and processor/tokenizer_config.json from a folder. */
  static load(processorDir: string): GlmTokenizer {
    const tokenizerFile = path.join(processorDir, 'tokenizer.json');
    const json = readJsonFile<object>(tokenizerFile, 'The tokenizer');
    const config = readJsonFile<TokenizerConfig>(path.join(processorDir, 'tokenizer_config.json'), 'The tokenizer config');
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(json, config);
    } catch (err) {
      throw new GlimmerError('model_corrupt', `The tokenizer ${tokenizerFile} could not be read. Re-download the model.`, {
        file: tokenizerFile,
        cause: err instanceof Error ? err.message : String(err),
      });
    }
    return new GlmTokenizer(tok, config);
  }

  /** Token ids of a text, without any added special tokens (GLM-Image's processor adds none). */
  encode(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: number[]): string {
    return this.tok.decode(ids, { skip_special_tokens: false });
  }

  /** Id of a token string; a clear error when the tokenizer lacks it. */
  idOf(token: string): number {
    const id = this.tok.token_to_id(token);
    if (id === undefined) {
      throw new GlimmerError('model_corrupt', `The tokenizer has no token ${JSON.stringify(token)}. Re-download the model.`);
    }
    return id;
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }
}
