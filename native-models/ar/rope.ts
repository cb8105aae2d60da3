/**
 * GLM-Image's 3-D rotary embedding (mRoPE): the angle tables, computed in the graph once per run.
 *
 * inv_freq[i] = 1 / theta^(2i / rotaryDim), i < rotaryDim/2. Frequency i reads one position axis:
 * t for the first mrope_section[0] frequencies, h for the next mrope_section[1], w for the rest
 * (chunked sections, transformers GlmImageTextRotaryEmbedding.apply_mrope; NOT the interleaved
 * Qwen3-VL layout, which the goldens rule out). The angle of token s, frequency i, is
 * pos[axis(i)][s] * inv_freq[i] in fp32. The rotation itself (half-split rotate_half on the first
 * rotaryDim dims of each head) is onnxruntime's RotaryEmbedding, which reads one table row per
 * token: row s of this run's table holds token s's own angles, so the 3-D positions need nothing
 * of the op but a row offset of 0.
 */
import type { GraphBuilder } from '../onnx';
import type { ArConfig } from './config';
import type { RotaryTables } from './fused';

/** inv_freq as float32 (theta ** (2i/d) in float64, rounded once). */
export function inverseFrequencies(c: ArConfig): Float32Array {
  const half = c.rotaryDim / 2;
  return Float32Array.from({ length: half }, (_, i) => 1 / Math.pow(c.ropeTheta, (2 * i) / c.rotaryDim));
}

/** Which position axis (0 t, 1 h, 2 w) each frequency reads. */
export function mropeAxisMap(c: ArConfig): number[] {
  const [st, sh] = c.mropeSection;
  return Array.from({ length: c.rotaryDim / 2 }, (_, i) => (i < st ? 0 : i < st + sh ? 1 : 2));
}

/** cos/sin tables [S, rotaryDim/2] from position_ids [3, 1, S] (int32). */
export function mropeTables(g: GraphBuilder, positionIds: string, c: ArConfig): RotaryTables {
  const half = c.rotaryDim / 2;
  const pos = g.op('Cast', [positionIds], { to: 1 }, { name: 'rope.pos_float' }); // [3, 1, S]
  const sel = g.op('Gather', [pos, g.constInt64(mropeAxisMap(c))], { axis: 0 }, { name: 'rope.pos_per_freq' }); // [half, 1, S]
  const flat = g.op('Reshape', [sel, g.constInt64([half, -1])], {}, { name: 'rope.pos_flat' }); // [half, S]
  const perToken = g.op('Transpose', [flat], { perm: [1, 0] }, { name: 'rope.pos_per_token' }); // [S, half]
  const freqs = g.op('Mul', [perToken, g.initializer('rope.inv_freq', inverseFrequencies(c), [half])], {}, { name: 'rope.angles' });
  return {
    cos: g.op('Cos', [freqs], {}, { name: 'rope.cos' }),
    sin: g.op('Sin', [freqs], {}, { name: 'rope.sin' }),
    rowOffset: g.constInt64([0], [1]),
  };
}
