/**
 * A self-check of the fused attention ops' many-query path on a provider, run once per process:
 * GroupQueryAttention (the AR) and MultiHeadAttention (the DiT, the glyph encoder, the ViT).
 *
 * onnxruntime-node 1.30's WebGPU provider takes a flash-attention shader for 32 or more queries at
 * once, written for wide subgroups: on an adapter with narrow ones (Mesa's lavapipe has 8 or 16
 * lanes) every query row past the first subgroup comes out wrong (errors near 1e-2 on values near
 * 0.5), while fewer than 32 queries, and every decode step, are right. Which adapters have narrow
 * subgroups cannot be asked from Node, so the path is tried: a small causal prefill of CHECK_QUERIES
 * queries against a float64 reference computed here. Where it fails, the AR feeds its prompt in
 * chunks of SAFE_CHUNK tokens (each chunk attends to the cache of the ones before it, so the result
 * is the same), and says why.
 */
import { GraphBuilder } from '../../native-models/onnx';
import type { ProviderName } from '../contract';
import { createSession, ort } from './session';

/** The query count from which the provider's many-query path is used. */
const CHECK_QUERIES = 48;
/** Fewer queries than this take the path seen right everywhere. */
export const SAFE_CHUNK = 16;

const HEADS = 4;
const KV_HEADS = 2;
const HEAD_DIM = 16;

export interface AttentionCheck {
  /** GroupQueryAttention (causal, 2 KV heads) right over many queries. */
  ok: boolean;
  /** Largest |error| of its output against the float64 reference. */
  maxError: number;
  /** The same for MultiHeadAttention (no mask). */
  mha: { ok: boolean; maxError: number };
}

function values(n: number, seed: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  });
}

function checkGraph(): Uint8Array {
  const g = new GraphBuilder('attention_check');
  // MultiHeadAttention over the same q, with k/v widened to every head (head h reads KV head h / 2)
  g.input('mha_k', 'float32', [1, 'seq', HEADS * HEAD_DIM]);
  g.input('mha_v', 'float32', [1, 'seq', HEADS * HEAD_DIM]);
  const S = 'seq';
  g.input('q', 'float32', [1, S, HEADS * HEAD_DIM]);
  g.input('k', 'float32', [1, S, KV_HEADS * HEAD_DIM]);
  g.input('v', 'float32', [1, S, KV_HEADS * HEAD_DIM]);
  g.input('past_key', 'float32', [1, KV_HEADS, 0, HEAD_DIM]);
  g.input('past_value', 'float32', [1, KV_HEADS, 0, HEAD_DIM]);
  g.input('seqlens_k', 'int32', [1]);
  g.input('total_sequence_length', 'int32', []);
  const [out] = g.opMulti(
    'GroupQueryAttention',
    ['q', 'k', 'v', 'past_key', 'past_value', 'seqlens_k', 'total_sequence_length'],
    { num_heads: HEADS, kv_num_heads: KV_HEADS },
    { domain: 'com.microsoft', outputs: 3 },
  );
  g.output(out, 'float32', [1, S, HEADS * HEAD_DIM], 'out');
  g.output(g.op('MultiHeadAttention', ['q', 'mha_k', 'mha_v'], { num_heads: HEADS }, { domain: 'com.microsoft' }), 'float32', [1, S, HEADS * HEAD_DIM], 'mha_out');
  return g.encode('unused.data');
}

/** Grouped-query attention in float64: q [S, H*D], k/v [S, Hkv*D] → [S, H*D]; causal or over every key. */
function reference(q: Float32Array, k: Float32Array, v: Float32Array, S: number, causal: boolean): Float64Array {
  const out = new Float64Array(S * HEADS * HEAD_DIM);
  const group = HEADS / KV_HEADS;
  for (let s = 0; s < S; s++) {
    for (let h = 0; h < HEADS; h++) {
      const kh = Math.floor(h / group);
      const last = causal ? s : S - 1;
      const scores = new Float64Array(last + 1);
      let max = -Infinity;
      for (let t = 0; t <= last; t++) {
        let a = 0;
        for (let d = 0; d < HEAD_DIM; d++) a += q[(s * HEADS + h) * HEAD_DIM + d] * k[(t * KV_HEADS + kh) * HEAD_DIM + d];
        scores[t] = a / Math.sqrt(HEAD_DIM);
        max = Math.max(max, scores[t]);
      }
      let z = 0;
      for (let t = 0; t <= last; t++) z += scores[t] = Math.exp(scores[t] - max);
      for (let d = 0; d < HEAD_DIM; d++) {
        let a = 0;
        for (let t = 0; t <= last; t++) a += (scores[t] / z) * v[(t * KV_HEADS + kh) * HEAD_DIM + d];
        out[(s * HEADS + h) * HEAD_DIM + d] = a;
      }
    }
  }
  return out;
}

/** The check itself, every time it is called (checkPrefillAttention keeps its result). */
export async function runAttentionCheck(provider: ProviderName): Promise<AttentionCheck> {
  const S = CHECK_QUERIES;
  const q = values(S * HEADS * HEAD_DIM, 4);
  const k = values(S * KV_HEADS * HEAD_DIM, 5);
  const v = values(S * KV_HEADS * HEAD_DIM, 6);
  const session = await createSession(checkGraph(), { provider, module: 'check' });
  // k and v with every KV head repeated for the query heads that read it
  const widen = (x: Float32Array) => {
    const out = new Float32Array(S * HEADS * HEAD_DIM);
    for (let t = 0; t < S; t++)
      for (let h = 0; h < HEADS; h++) out.set(x.subarray((t * KV_HEADS + Math.floor(h / (HEADS / KV_HEADS))) * HEAD_DIM, (t * KV_HEADS + Math.floor(h / (HEADS / KV_HEADS)) + 1) * HEAD_DIM), (t * HEADS + h) * HEAD_DIM);
    return out;
  };
  try {
    const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, KV_HEADS, 0, HEAD_DIM]);
    const result = await session.run({
      mha_k: new ort.Tensor('float32', widen(k), [1, S, HEADS * HEAD_DIM]),
      mha_v: new ort.Tensor('float32', widen(v), [1, S, HEADS * HEAD_DIM]),
      q: new ort.Tensor('float32', q, [1, S, HEADS * HEAD_DIM]),
      k: new ort.Tensor('float32', k, [1, S, KV_HEADS * HEAD_DIM]),
      v: new ort.Tensor('float32', v, [1, S, KV_HEADS * HEAD_DIM]),
      past_key: empty(),
      past_value: empty(),
      seqlens_k: new ort.Tensor('int32', Int32Array.of(S - 1), [1]),
      total_sequence_length: new ort.Tensor('int32', Int32Array.of(S), []),
    });
    const error = (got: Float32Array, want: Float64Array) => {
      let m = 0;
      for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
      return m;
    };
    const maxError = error(result.out.data as Float32Array, reference(q, k, v, S, true));
    const mhaError = error(result.mha_out.data as Float32Array, reference(q, k, v, S, false));
    return { ok: maxError <= 1e-4, maxError, mha: { ok: mhaError <= 1e-4, maxError: mhaError } };
  } finally {
    await session.release();
  }
}

const checked = new Map<ProviderName, Promise<AttentionCheck>>();

/** Whether the provider's many-query GroupQueryAttention is right here (the CPU's always is). */
export function checkPrefillAttention(provider: ProviderName): Promise<AttentionCheck> {
  if (provider === 'cpu') return Promise.resolve({ ok: true, maxError: 0, mha: { ok: true, maxError: 0 } });
  let p = checked.get(provider);
  if (!p) {
    p = runAttentionCheck(provider);
    checked.set(provider, p);
    p.catch(() => checked.delete(provider));
  }
  return p;
}
