/**
 * Golden tensors of one fixture case, and the fixture tolerance checks:
 *   tensors: abs err <= relTolOfMax * max|expected| (1e-4; logits 1e-3), ids exactly equal.
 */
import assert from 'node:assert/strict';
import { SafetensorsCheckpoint } from '../../native-models/safetensors';
import { caseTensorsPath, readCaseMeta, type CaseMeta } from './fixtures';

export interface GoldenTensor {
  dtype: 'float32' | 'int64';
  shape: number[];
  data: Float32Array | BigInt64Array;
}

export interface Golden {
  meta: CaseMeta;
  tensors: Map<string, GoldenTensor>;
}

/** Every tensor of golden/<caseName>.safetensors (floats as Float32Array, integers as BigInt64Array). */
export async function loadGolden(caseName: string): Promise<Golden> {
  const meta = readCaseMeta(caseName);
  const st = await SafetensorsCheckpoint.open(caseTensorsPath(caseName));
  try {
    const tensors = new Map<string, GoldenTensor>();
    for (const name of st.names()) {
      const e = st.entry(name);
      const isFloat = e.dtype === 'F32' || e.dtype === 'F16' || e.dtype === 'BF16' || e.dtype === 'F64';
      tensors.set(name, {
        dtype: isFloat ? 'float32' : 'int64',
        shape: e.shape,
        data: isFloat ? await st.readFloat32(name) : await st.readInt64(name),
      });
    }
    return { meta, tensors };
  } finally {
    await st.close();
  }
}

/** One golden tensor by name, with a clear failure when it is absent. */
export function goldenTensor(g: Golden, name: string): GoldenTensor {
  const t = g.tensors.get(name);
  assert.ok(t, `golden tensor "${name}" is missing (have: ${[...g.tensors.keys()].slice(0, 20).join(', ')}...)`);
  return t;
}

export interface CloseOptions {
  /** Allowed abs error as a fraction of max|expected| (default 1e-4). */
  relTolOfMax?: number;
  label?: string;
}

export interface CloseReport {
  maxAbsErr: number;
  tol: number;
  worstIndex: number;
}

/** Assert abs(actual - expected) <= relTolOfMax * max|expected| everywhere; reports the worst element. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: CloseOptions = {},
): CloseReport {
  const label = opts.label ?? 'tensor';
  const rel = opts.relTolOfMax ?? 1e-4;
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} values, expected ${expected.length}`);
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) maxRef = Math.max(maxRef, Math.abs(expected[i]));
  const tol = rel * maxRef;
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Number.isNaN(a) || Number.isNaN(e) ? (Number.isNaN(a) && Number.isNaN(e) ? 0 : Infinity) : Math.abs(a - e);
    if (err > worst || (worstIndex < 0 && err >= worst)) {
      worst = err;
      worstIndex = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${label}: max abs error ${worst} at index ${worstIndex} (actual ${actual[worstIndex]}, expected ${expected[worstIndex]}) exceeds ${tol} (= ${rel} x max|expected| ${maxRef})`,
  );
  return { maxAbsErr: worst, tol, worstIndex };
}

/** Assert two id sequences are exactly equal; reports the first difference. */
export function assertIdsEqual(
  actual: ArrayLike<number | bigint>,
  expected: ArrayLike<number | bigint>,
  label = 'ids',
): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (BigInt(actual[i]) !== BigInt(expected[i])) {
      assert.fail(`${label}: first difference at index ${i}: actual ${actual[i]}, expected ${expected[i]} (lengths ${actual.length} / ${expected.length})`);
    }
  }
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length}, expected ${expected.length}`);
}
