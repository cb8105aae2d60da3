/** The fixture checkpoint read through the real reader: shapes agree with each component's config.json. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SafetensorsCheckpoint, readConfig } from '../../native-models/safetensors';
import { checkpointDir, fixturesAvailable, listCases } from '../helpers/fixtures';
import { loadGolden, assertClose, assertIdsEqual } from '../helpers/golden';

const skip = fixturesAvailable() ? false : 'fixtures not found (set GLIMMER_FIXTURES)';

async function withCheckpoint(component: string, fn: (ck: SafetensorsCheckpoint) => Promise<void>): Promise<void> {
  const ck = await SafetensorsCheckpoint.open(path.join(checkpointDir(), component));
  try {
    await fn(ck);
  } finally {
    await ck.close();
  }
}

/** Largest N with `${prefix}N.` in the names, plus one. */
function countIndexed(names: string[], prefix: string): number {
  let n = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const k = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isInteger(k)) n = Math.max(n, k + 1);
  }
  return n;
}

async function allFinite(ck: SafetensorsCheckpoint): Promise<void> {
  for (const name of ck.names()) {
    const e = ck.entry(name);
    const v = await ck.readFloat32(name);
    assert.equal(v.length, e.shape.reduce((a, b) => a * b, 1), name);
    assert.ok(v.every(Number.isFinite), `${name} has non-finite values`);
  }
}

describe('fixture checkpoint', { skip }, () => {
  test('AR module (vision_language_encoder): text decoder shapes follow text_config', async () => {
    interface Cfg {
      text_config: {
        hidden_size: number;
        num_attention_heads: number;
        num_key_value_heads: number;
        num_hidden_layers: number;
        intermediate_size: number;
        vocab_size: number;
        vision_vocab_size: number;
      };
      vision_config: { depth: number; hidden_size: number; intermediate_size: number };
    }
    const cfg = readConfig<Cfg>(path.join(checkpointDir(), 'vision_language_encoder')).text_config;
    const vcfg = readConfig<Cfg>(path.join(checkpointDir(), 'vision_language_encoder')).vision_config;
    await withCheckpoint('vision_language_encoder', async (ck) => {
      const headDim = cfg.hidden_size / cfg.num_attention_heads;
      const L = 'model.language_model.layers.';
      assert.equal(countIndexed(ck.names(), L), cfg.num_hidden_layers);
      for (let i = 0; i < cfg.num_hidden_layers; i++) {
        const p = `${L}${i}.`;
        assert.deepEqual(ck.entry(`${p}self_attn.q_proj.weight`).shape, [cfg.num_attention_heads * headDim, cfg.hidden_size]);
        assert.deepEqual(ck.entry(`${p}self_attn.k_proj.weight`).shape, [cfg.num_key_value_heads * headDim, cfg.hidden_size]);
        assert.deepEqual(ck.entry(`${p}self_attn.v_proj.weight`).shape, [cfg.num_key_value_heads * headDim, cfg.hidden_size]);
        assert.deepEqual(ck.entry(`${p}mlp.gate_up_proj.weight`).shape, [2 * cfg.intermediate_size, cfg.hidden_size]);
        assert.deepEqual(ck.entry(`${p}mlp.down_proj.weight`).shape, [cfg.hidden_size, cfg.intermediate_size]);
        assert.deepEqual(ck.entry(`${p}input_layernorm.weight`).shape, [cfg.hidden_size]);
      }
      assert.deepEqual(ck.entry('model.language_model.embed_tokens.weight').shape, [cfg.vocab_size, cfg.hidden_size]);
      assert.deepEqual(ck.entry('lm_head.weight').shape, [cfg.vision_vocab_size, cfg.hidden_size]);
      assert.equal(countIndexed(ck.names(), 'model.visual.blocks.'), vcfg.depth);
      assert.deepEqual(ck.entry('model.visual.blocks.0.mlp.fc1.weight').shape, [vcfg.intermediate_size, vcfg.hidden_size]);
      await allFinite(ck);
    });
  });

  test('glyph encoder (text_encoder): T5 shapes follow config', async () => {
    const cfg = readConfig<{ d_model: number; d_kv: number; d_ff: number; num_heads: number; num_layers: number; vocab_size: number }>(
      path.join(checkpointDir(), 'text_encoder'),
    );
    await withCheckpoint('text_encoder', async (ck) => {
      assert.equal(countIndexed(ck.names(), 'encoder.block.'), cfg.num_layers);
      for (let i = 0; i < cfg.num_layers; i++) {
        const p = `encoder.block.${i}.layer.`;
        assert.deepEqual(ck.entry(`${p}0.SelfAttention.q.weight`).shape, [cfg.num_heads * cfg.d_kv, cfg.d_model]);
        assert.deepEqual(ck.entry(`${p}1.DenseReluDense.wi_0.weight`).shape, [cfg.d_ff, cfg.d_model]);
        assert.deepEqual(ck.entry(`${p}1.DenseReluDense.wo.weight`).shape, [cfg.d_model, cfg.d_ff]);
      }
      assert.deepEqual(ck.entry('shared.weight').shape, [cfg.vocab_size, cfg.d_model]);
      await allFinite(ck);
    });
  });

  test('DiT (transformer): shapes follow config', async () => {
    const cfg = readConfig<{
      attention_head_dim: number;
      num_attention_heads: number;
      num_layers: number;
      prior_vq_quantizer_codebook_size: number;
      patch_size: number;
      in_channels: number;
      text_embed_dim: number;
    }>(path.join(checkpointDir(), 'transformer'));
    const inner = cfg.attention_head_dim * cfg.num_attention_heads;
    await withCheckpoint('transformer', async (ck) => {
      assert.equal(countIndexed(ck.names(), 'transformer_blocks.'), cfg.num_layers);
      assert.deepEqual(ck.entry('transformer_blocks.0.attn1.to_q.weight').shape, [inner, inner]);
      assert.deepEqual(ck.entry('prior_token_embedding.weight').shape, [cfg.prior_vq_quantizer_codebook_size, inner]);
      assert.deepEqual(ck.entry('image_projector.proj.weight').shape, [inner, cfg.in_channels * cfg.patch_size ** 2]);
      assert.deepEqual(ck.entry('glyph_projector.net.0.proj.weight').shape[1], cfg.text_embed_dim);
      await allFinite(ck);
    });
  });

  test('VAE opens and every tensor reads', async () => {
    await withCheckpoint('vae', async (ck) => {
      assert.ok(ck.names().length > 0);
      await allFinite(ck);
    });
  });
});

describe('golden cases', { skip }, () => {
  for (const name of fixturesAvailable() ? listCases() : []) {
    test(`${name}: loadGolden matches the case json (names, shapes, dtypes)`, async () => {
      const g = await loadGolden(name);
      const listed = (g.meta as { tensors: Record<string, [number[], string]> }).tensors;
      assert.deepEqual([...g.tensors.keys()].sort(), Object.keys(listed).sort());
      for (const [tname, [shape, dtype]] of Object.entries(listed)) {
        const t = g.tensors.get(tname)!;
        assert.deepEqual(t.shape, shape, tname);
        assert.equal(t.dtype, dtype, tname);
        assert.equal(t.data.length, shape.reduce((a, b) => a * b, 1), tname);
        assert.equal(t.dtype === 'int64', t.data instanceof BigInt64Array, tname);
      }
    });
  }
});

describe('compare helpers', () => {
  test('assertClose passes within tolerance and reports the worst element otherwise', () => {
    const ref = Float32Array.from([10, -20, 5]);
    const r = assertClose(Float32Array.from([10.001, -20, 5]), ref, { label: 'x' });
    assert.ok(r.maxAbsErr > 0 && r.maxAbsErr <= r.tol);
    assert.throws(
      () => assertClose(Float32Array.from([10, -20.01, 5]), ref, { label: 'y' }),
      (e: Error) => /y: max abs error .* at index 1 \(actual -20\.01.*expected -20\)/.test(e.message),
    );
    assert.throws(() => assertClose([Number.NaN, 0, 0], ref), /index 0/);
    assert.throws(() => assertClose([1, 2], ref), /2 values, expected 3/);
    assertClose(Float32Array.from([10, -20.01, 5]), ref, { relTolOfMax: 1e-3 });
  });

  test('assertIdsEqual is exact and names the first difference', () => {
    assertIdsEqual(BigInt64Array.from([1n, 2n, 3n]), [1, 2, 3]);
    assert.throws(() => assertIdsEqual([1, 2, 4], BigInt64Array.from([1n, 2n, 3n])), /first difference at index 2/);
    assert.throws(() => assertIdsEqual([1, 2], [1, 2, 3]), /length 2, expected 3/);
  });
});
