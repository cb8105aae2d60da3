/**
 * The fused-attention self-check (main/engine/attention-check.ts) on every test provider: on the CPU
 * it must pass, which proves its float64 reference (the CPU kernels are the fixture-checked ones);
 * elsewhere it reports what it finds, and the AR feeds its prompt in chunks exactly when the
 * GroupQueryAttention part fails.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ArModel } from '../../main/engine/ar';
import { runAttentionCheck, SAFE_CHUNK } from '../../main/engine/attention-check';
import { compiledTinyModel } from '../helpers/engine';
import { describeEachProvider } from '../helpers/providers';

describeEachProvider('fused attention self-check', (provider) => {
  test('result, and the AR prefill it decides', async () => {
    const check = await runAttentionCheck(provider);
    console.log(`# ${provider}: GroupQueryAttention error ${check.maxError.toExponential(2)}, MultiHeadAttention error ${check.mha.maxError.toExponential(2)}`);
    if (provider === 'cpu') {
      assert.ok(check.ok && check.mha.ok, 'the CPU kernels match the float64 reference');
      assert.ok(check.maxError < 1e-6 && check.mha.maxError < 1e-6);
    }
    const ar = await ArModel.load(path.join(await compiledTinyModel(), 'ar', 'ar.json'), { provider });
    try {
      assert.equal(ar.prefillChunk, check.ok ? null : SAFE_CHUNK);
      assert.equal(ar.note !== null, !check.ok);
    } finally {
      await ar.release();
    }
  });
});
