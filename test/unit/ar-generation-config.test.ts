/** Sampling defaults from generation_config.json. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { isCodedError } from '../../main/contract';
import { AR_SAMPLING_DEFAULTS, readGenerationDefaults } from '../../main/engine/ar';

const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-gencfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (v: unknown) => writeFileSync(path.join(dir, 'generation_config.json'), typeof v === 'string' ? v : JSON.stringify(v));

test('no file: the published GLM-Image defaults', () => {
  assert.deepEqual(readGenerationDefaults(path.join(dir, 'missing')), { ...AR_SAMPLING_DEFAULTS });
});

test('values from the file; a top_k as large as the vocabulary is a no-op', () => {
  write({ do_sample: true, temperature: 0.8, top_p: 0.6, top_k: 16512, eos_token_id: 16385 });
  assert.deepEqual(readGenerationDefaults(dir, 16512), { temperature: 0.8, topP: 0.6, eosTokenId: 16385 });
  write({ top_k: 100, eos_token_id: [16385, 1] });
  assert.deepEqual(readGenerationDefaults(dir, 16512), { ...AR_SAMPLING_DEFAULTS, topK: 100, eosTokenId: 16385 });
});

test('ignores invalid values; broken JSON is a clear error', () => {
  write({ temperature: -1, top_p: 2 });
  assert.deepEqual(readGenerationDefaults(dir), { ...AR_SAMPLING_DEFAULTS });
  write('{not json');
  assert.throws(() => readGenerationDefaults(dir), (e: unknown) => isCodedError(e) && e.code === 'model_corrupt' && /generation_config/.test(e.message));
});
