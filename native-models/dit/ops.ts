/** Small shape and reshaping helpers for the DiT graph (dynamic batch, text length and latent size). */
import type { GraphBuilder } from '../onnx';

/** Dimension `axis` of x as an int64 [1] tensor. */
export function dimOf(g: GraphBuilder, x: string, axis: number): string {
  return g.op('Shape', [x], { start: axis, end: axis + 1 });
}

export function unsqueeze(g: GraphBuilder, x: string, axes: number[], name?: string): string {
  return g.op('Unsqueeze', [x, g.constInt64(axes)], {}, name ? { name } : undefined);
}

export function squeeze(g: GraphBuilder, x: string, axes: number[]): string {
  return g.op('Squeeze', [x, g.constInt64(axes)]);
}

/** Reshape to a shape assembled from int64 [1] tensors and literal numbers. */
export function reshapeTo(g: GraphBuilder, x: string, parts: (string | number)[]): string {
  const pieces = parts.map((p) => (typeof p === 'number' ? g.constInt64([p]) : p));
  return g.op('Reshape', [x, g.op('Concat', pieces, { axis: 0 })]);
}

export function transpose(g: GraphBuilder, x: string, perm: number[]): string {
  return g.op('Transpose', [x], { perm });
}

/** Split x into `n` equal chunks along `axis` (like torch.chunk for divisible sizes). */
export function chunk(g: GraphBuilder, x: string, n: number, axis: number): string[] {
  return g.opMulti('Split', [x], { axis, num_outputs: n }, { outputs: n });
}
