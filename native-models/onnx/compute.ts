/**
 * Compute precision: the element type a graph's activations flow in, chosen at compile time and
 * separately from weight precision (precision.ts says how weights are stored).
 *
 *   fp32  every activation float32: CPU graphs and the reference. Weights fp32, int8 or int4
 *         (MatMulNBits with float32 activations); fp16 weights here are widened to fp32 by
 *         onnxruntime at load (see below), so fp16 storage saves disk only.
 *   fp16  activations float16 into MatMul, MatMulNBits and attention: GPU graphs. Weights fp16, or
 *         int8/int4 with fp16 scales; they stay at that precision in device memory. Regions that
 *         need float32 ("fp32 islands": norm statistics, softmax accumulation, rotary tables,
 *         timestep embeddings, residual streams where fp16 overflows) are written explicitly with
 *         `toFloat32` / `fromFloat32` (each builder says in its code why an island is there).
 *
 * A graph's interface does not change with compute precision: inputs and outputs stay float32 and
 * the graph casts on entry (`fromFloat32`) and exit (`toFloat32`), so the runtime feeds the same
 * tensors to an fp32 and an fp16 graph.
 *
 * What onnxruntime does with these forms (measured with onnxruntime-node 1.30, by saving the
 * optimised model with the session option optimizedModelFilePath):
 *   - fp16 initializer → Cast(float) → MatMul (fp16 storage, fp32 compute): constant folding turns
 *     the Cast into an fp32 copy of the weight at load, on every provider;
 *   - MatMul(fp16 activation, fp16 weight) on WebGPU: the weight stays fp16 (no copy);
 *   - the same on the CPU provider, which has no fp16 kernels for most ops: onnxruntime inserts casts
 *     and runs the chain in float32 ("InsertedPrecisionFreeCast"), converting fp16 weights to fp32 at
 *     load. So an fp16-compute graph runs on the CPU with float32 arithmetic between explicit casts:
 *     results there show weight rounding and the rounding at our casts, not fp16 arithmetic; fp16
 *     arithmetic (and overflow) shows on a GPU provider (WebGPU, lavapipe included).
 *   - com.microsoft MultiHeadAttention: the CPU kernel is float32 (fp16 runs through the inserted
 *     casts); its flash path is used only without mask, bias and past key/value.
 */
import type { GraphBuilder } from './builder';
import { toFloat16 } from './precision';
import { DATA_TYPE } from './schema';

export type ComputePrecision = 'fp32' | 'fp16';

export const COMPUTE_PRECISIONS: readonly ComputePrecision[] = ['fp32', 'fp16'];

/** The activation element type of a compute precision. */
export function computeElemType(c: ComputePrecision): 'float32' | 'float16' {
  return c === 'fp16' ? 'float16' : 'float32';
}

/** Checks a value from outside (a config, a manifest) and returns it, or throws naming the choices. */
export function parseComputePrecision(value: unknown, where = 'compute precision'): ComputePrecision {
  if (value === undefined) return 'fp32';
  if (typeof value === 'string' && (COMPUTE_PRECISIONS as readonly string[]).includes(value)) return value as ComputePrecision;
  throw new Error(`${where}: "${String(value)}" is not one of ${COMPUTE_PRECISIONS.join(', ')}`);
}

/**
 * The compute precision of one graph, bound to its builder: casts in and out of fp32 islands and
 * constants of the compute type. With fp32 every cast is the value itself (no node is added).
 */
export class Compute {
  /** Element type of activations outside fp32 islands. */
  readonly type: 'float32' | 'float16';

  constructor(
    readonly g: GraphBuilder,
    readonly precision: ComputePrecision,
  ) {
    this.type = computeElemType(precision);
  }

  get half(): boolean {
    return this.precision === 'fp16';
  }

  /** A float32 value (a graph input, the end of an fp32 island) in the compute type. */
  fromFloat32(x: string, name?: string): string {
    if (!this.half) return x;
    return this.g.op('Cast', [x], { to: DATA_TYPE.float16 }, { name: name ?? 'to_fp16' });
  }

  /** A compute-type value in float32 (a graph output, the start of an fp32 island). */
  toFloat32(x: string, name?: string): string {
    if (!this.half) return x;
    return this.g.op('Cast', [x], { to: DATA_TYPE.float32 }, { name: name ?? 'to_fp32' });
  }

  /** A small constant of the compute type (inline, shared). dims default [values.length]; [] = scalar. */
  constant(values: number[], dims?: number[]): string {
    if (!this.half) return this.g.constFloat(values, dims);
    return this.g.constFloat16Bits(toFloat16(Float32Array.from(values)), dims);
  }

  /** A float tensor (a norm weight, a bias, a table) stored in the compute type. */
  tensor(name: string, data: Float32Array, dims: number[]): string {
    return this.half ? this.g.initializer(name, toFloat16(data), dims, 'float16') : this.g.initializer(name, data, dims);
  }

  /** The ONNX element type code of activations (Cast's `to`, ConstantOfShape's value type). */
  get dataType(): number {
    return DATA_TYPE[this.type];
  }
}
