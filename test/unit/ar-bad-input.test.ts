/**
 * Bad AR checkpoints: a config that does not match the weights, a missing config, a missing weight
 * file. Each is a clear GlimmerError naming the file, and nothing is left in the output folder.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { GlimmerError, isCodedError } from '../../main/contract';
import { ArModel } from '../../main/engine/ar';
import { buildAr } from '../../native-models/ar';
import { checkpointDir } from '../helpers/fixtures';

const src = path.join(checkpointDir(), 'vision_language_encoder');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-ar-bad-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the AR component whose config.json is edited by `edit`. */
function component(name: string, edit?: (cfg: Record<string, any>) => void, withWeights = true): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const cfg = JSON.parse(readFileSync(path.join(src, 'config.json'), 'utf8'));
  edit?.(cfg);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  if (withWeights) symlinkSync(path.join(src, 'model.safetensors'), path.join(dir, 'model.safetensors'));
  return dir;
}

async function expectFailure(dir: string, code: string, mention: RegExp): Promise<void> {
  const out = path.join(tmp, `${path.basename(dir)}-out`);
  await assert.rejects(buildAr(dir, out, { precision: 'fp32' }), (e: unknown) => {
    assert.ok(isCodedError(e), `GlimmerError expected, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, mention);
    return true;
  });
  let left: string[] = [];
  try {
    left = readdirSync(out);
  } catch {
    /* never created: fine */
  }
  assert.deepEqual(left, [], 'no partial output');
}

describe('buildAr bad input', () => {
  test('config hidden_size does not match the weights', async () => {
    const dir = component('hidden', (c) => (c.text_config.hidden_size = 128));
    await expectFailure(dir, 'model_corrupt', /config\.json/);
  });

  test('config asks for more layers than the weights have', async () => {
    const dir = component('layers', (c) => (c.text_config.num_hidden_layers += 1));
    await expectFailure(dir, 'model_corrupt', /layers\.2\..*config\.json|config\.json.*layers\.2\./);
  });

  test('config vision vocabulary does not match lm_head', async () => {
    const dir = component('vocab', (c) => (c.text_config.vision_vocab_size = 256));
    await expectFailure(dir, 'model_corrupt', /lm_head/);
  });

  test('mrope sections that do not fit the rotary dimension', async () => {
    const dir = component('mrope', (c) => (c.text_config.rope_parameters.mrope_section = [2, 2, 2]));
    await expectFailure(dir, 'model_corrupt', /mrope_section/);
  });

  test('missing config.json', async () => {
    const dir = path.join(tmp, 'noconfig');
    mkdirSync(dir);
    symlinkSync(path.join(src, 'model.safetensors'), path.join(dir, 'model.safetensors'));
    await expectFailure(dir, 'model_missing', /config\.json/);
  });

  test('missing weights', async () => {
    const dir = component('noweights', undefined, false);
    const out = path.join(tmp, 'noweights-out');
    await assert.rejects(buildAr(dir, out, { precision: 'fp32' }), (e: unknown) => isCodedError(e) && /noweights/.test(e.message));
  });

  test('a truncated weight file', async () => {
    const dir = component('truncated', undefined, false);
    const bytes = readFileSync(path.join(src, 'model.safetensors'));
    writeFileSync(path.join(dir, 'model.safetensors'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectFailure(dir, 'model_corrupt', /model\.safetensors/);
  });
});

describe('ArModel.load bad input', () => {
  test('missing manifest', async () => {
    await assert.rejects(ArModel.load(path.join(tmp, 'nope.json')), (e: unknown) => isCodedError(e) && e.code === 'model_missing');
  });
  test('not an AR manifest', async () => {
    const f = path.join(tmp, 'other.json');
    copyFileSync(path.join(src, 'config.json'), f);
    await assert.rejects(ArModel.load(f), (e: unknown) => isCodedError(e) && e.code === 'model_corrupt');
  });
});
