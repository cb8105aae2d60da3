/**
 * Glyph encoder parity, through the real path: text_encoder/ checkpoint → native-models/glyph →
 * glyph.onnx → onnxruntime-node (CPU) via main/engine/glyph, against every case under GLIMMER_FIXTURES.
 *   - the case's glyph_texts from its prompt;
 *   - t5.0.* (the prompt) and t5.1.* (the empty negative text): input_ids and attention_mask exactly,
 *     last_hidden_state within 1e-4 · max|ref|;
 *   - every DiT call's encoder_hidden_states is the conditional or the unconditional glyph embedding.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildGlyph } from '../../native-models/glyph';
import { SafetensorsCheckpoint } from '../../native-models/safetensors';
import { extractGlyphTexts, GlyphEncoder, type GlyphEncoding } from '../../main/engine/glyph';
import { caseTensorsPath, checkpointDir, listCases, readCaseMeta } from '../helpers/fixtures';

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const report: string[] = [];

describe('glyph encoder (T5) parity', () => {
  let dir = '';
  let enc: GlyphEncoder;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-glyph-'));
    await buildGlyph(path.join(checkpointDir(), 'text_encoder'), dir);
    enc = await GlyphEncoder.load(dir, { provider: 'cpu' });
  });
  after(async () => {
    await enc?.release();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (report.length) console.log(report.join('\n'));
  });

  for (const name of listCases()) {
    test(`${name}: glyph texts, t5 ids/mask exact, last_hidden_state and DiT text input within tolerance`, async () => {
      const meta = readCaseMeta(name);
      const prompt = meta.prompt as string;
      assert.deepEqual(extractGlyphTexts(prompt), meta.glyph_texts, 'glyph texts');
      const tensors = meta.tensors as Record<string, [number[], string]>;
      const golden = await SafetensorsCheckpoint.open(caseTensorsPath(name));
      try {
        const branches: Array<[number, GlyphEncoding]> = [
          [0, await enc.encodePrompt(prompt)],
          [1, await enc.encodeUnconditional()],
        ];
        let checked = 0;
        for (const [n, got] of branches) {
          const key = `t5.${n}`;
          if (!tensors[`${key}.input_ids`]) continue;
          checked++;
          const [shape] = tensors[`${key}.input_ids`]!;
          assert.deepEqual([got.batch.batch, got.batch.seqLen], shape, `${key} shape`);
          assert.deepEqual([...got.batch.inputIds], [...(await golden.readInt64(`${key}.input_ids`))], `${key}.input_ids`);
          assert.deepEqual([...got.batch.attentionMask], [...(await golden.readInt64(`${key}.attention_mask`))], `${key}.attention_mask`);
          const ref = await golden.readFloat32(`${key}.last_hidden_state`);
          const err = maxAbsDiff(got.lastHiddenState, ref);
          const tol = 1e-4 * maxAbs(ref);
          report.push(`glyph ${name} ${key}.last_hidden_state [${tensors[`${key}.last_hidden_state`]![0].join(',')}]: max abs err ${err.toExponential(2)} (tol ${tol.toExponential(2)}, max|ref| ${maxAbs(ref).toFixed(3)})`);
          assert.ok(err <= tol, `${key}.last_hidden_state error ${err} > ${tol}`);
        }
        assert.ok(checked > 0, 'the case records no t5 tensors');

        // the DiT sees the gathered embeddings: cond or uncond, or no text at all (i2i reference pass)
        const [cond, uncond] = [branches[0]![1], branches[1]![1]];
        let sawCond = false;
        for (const key of Object.keys(tensors).filter((k) => /^dit\.\d+\.encoder_hidden_states$/.test(k))) {
          const [shape] = tensors[key]!;
          if (shape[1] === 0) continue;
          const ref = await golden.readFloat32(key);
          const tol = 1e-4 * maxAbs(ref);
          const matches = (e: GlyphEncoding) => shape[1] === e.tokens && shape[2] === e.dModel && maxAbsDiff(e.embeds, ref) <= tol;
          const isCond = matches(cond);
          assert.ok(isCond || matches(uncond), `${key} [${shape.join(',')}] is neither the cond (${cond.tokens}) nor the uncond (${uncond.tokens}) glyph embedding`);
          sawCond ||= isCond;
        }
        assert.ok(sawCond || !Object.keys(tensors).some((k) => k.startsWith('dit.')), 'no DiT call used the conditional glyph embedding');
      } finally {
        await golden.close();
      }
    });
  }
});
