/**
 * The sampling coordinates of the ViT's position table for a (gh, gw) patch grid, as
 * GlmImageVisionEmbeddings computes them for grid_sample (align_corners=False): the centre of each
 * patch, x = ((col + 0.5) / gw) * 2 - 1, y = ((row + 0.5) / gh) * 2 - 1, in float32, row-major.
 * Returns [1, gh*gw, 1, 2] as a flat Float32Array of (x, y) pairs.
 */
export function positionGrid(gh: number, gw: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(gh * gw * 2);
  let o = 0;
  for (let r = 0; r < gh; r++) {
    const y = f(f(f(r + 0.5) / gh) * 2) - 1;
    for (let c = 0; c < gw; c++) {
      out[o++] = f(f(f(f(c + 0.5) / gw) * 2) - 1);
      out[o++] = f(y);
    }
  }
  return out;
}
