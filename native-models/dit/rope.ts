/**
 * 2-D rotary position embedding of the image tokens (GlmImageRotaryPosEmbed): for patch (r, c) the
 * angles are [r·f, c·f, r·f, c·f] with f_j = 1 / 10000^(2j / (D/2)), j < D/4 (D = head dim), on raw
 * integer positions starting at 0 (a reference image's grid also starts at 0). Rotation is the
 * half-split form: x·cos + [−x₂, x₁]·sin. Text tokens are not rotated; we give them cos = 1,
 * sin = 0 rows so one rotation covers the joint [text, image] sequence (x·1 + r·0 = x exactly).
 */
import type { GraphBuilder } from '../onnx';
import { chunk, squeeze, unsqueeze } from './ops';

const f32 = Math.fround;

/** The D/4 inverse frequencies, in float32 as torch computes them. */
export function ropeInverseFrequencies(headDim: number, theta = 10000): Float32Array {
  const half = headDim / 2;
  const out = new Float32Array(half / 2);
  for (let j = 0; j < out.length; j++) out[j] = f32(1 / f32(Math.pow(theta, f32((2 * j) / half))));
  return out;
}

export interface RopeTables {
  /** [T + N, 1, D]: broadcast over the heads of a [B, T + N, H, D] value */
  cos: string;
  /** [T + N, 1, D] */
  sin: string;
}

/**
 * [rows, width] of `value`: a constant row expanded (Expand runs on every provider; ConstantOfShape
 * makes the float rows on the CPU under WebGPU, to be copied over on every pass).
 */
function constantRows(g: GraphBuilder, rows: string, width: number, value: number): string {
  const shape = g.op('Concat', [rows, g.constInt64([width])], { axis: 0 });
  return g.op('Expand', [g.constFloat(new Array<number>(width).fill(value), [1, width]), shape]);
}

/**
 * 0, 1, ..., n-1 as float32 from an int64 [1] size. The count is narrowed to int32 first: the
 * positions are then made and widened on the device (WebGPU has no int64 Range or Cast, so an int64
 * Range put them on the CPU).
 */
function positionsOf(g: GraphBuilder, n: string): string {
  const count = g.op('Cast', [squeeze(g, n, [0])], { to: 6 });
  const zero = g.initializer('rope.zero_i32', Int32Array.of(0), [], 'int32');
  const one = g.initializer('rope.one_i32', Int32Array.of(1), [], 'int32');
  return g.op('Cast', [g.op('Range', [zero, count, one])], { to: 1 });
}

/**
 * cos/sin tables (float32, [T + N, 1, D]) for `textLen` unrotated text tokens followed by a
 * gridH × gridW image grid (all three int64 [1] tensors).
 */
export function ropeTables(g: GraphBuilder, headDim: number, textLen: string, gridH: string, gridW: string): RopeTables {
  const inv = g.constFloat([...ropeInverseFrequencies(headDim)]);
  const q = headDim / 4;
  const fh = g.op('Mul', [unsqueeze(g, positionsOf(g, gridH), [1]), inv]); // [h, D/4]
  const fw = g.op('Mul', [unsqueeze(g, positionsOf(g, gridW), [1]), inv]); // [w, D/4]
  const grid = g.op('Concat', [gridH, gridW, g.constInt64([q])], { axis: 0 });
  const fh3 = g.op('Expand', [unsqueeze(g, fh, [1]), grid]); // [h, w, D/4]
  const fw3 = g.op('Expand', [unsqueeze(g, fw, [0]), grid]);
  const freqs = g.op('Reshape', [g.op('Concat', [fh3, fw3, fh3, fw3], { axis: -1 }), g.constInt64([-1, headDim])]);
  const cos = g.op('Concat', [constantRows(g, textLen, headDim, 1), g.op('Cos', [freqs])], { axis: 0 });
  const sin = g.op('Concat', [constantRows(g, textLen, headDim, 0), g.op('Sin', [freqs])], { axis: 0 });
  return { cos: unsqueeze(g, cos, [1], 'rope_cos'), sin: unsqueeze(g, sin, [1], 'rope_sin') };
}

/** x [B, S, H, D] rotated by tables [S, 1, D] of x's type. */
export function applyRope(g: GraphBuilder, x: string, t: RopeTables, name: string): string {
  const [x1, x2] = chunk(g, x, 2, -1);
  const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
  return g.op('Add', [g.op('Mul', [x, t.cos]), g.op('Mul', [rotated, t.sin])], {}, { name });
}
