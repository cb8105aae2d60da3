/**
 * Cheap previews: the AR token grid as a coarse picture (one colour per codebook id, so structure
 * shows as soon as the grid is written), and the DiT latents projected to RGB.
 */
import type { PreviewImage } from './progress';

/** A stable colour for a codebook id (a small integer hash, not a decode). */
function idColour(id: number): [number, number, number] {
  let x = (id * 0x9e3779b1) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  return [64 + (x & 0x7f) + ((x >>> 21) & 0x3f), 64 + ((x >>> 7) & 0x7f) + ((x >>> 24) & 0x3f), 64 + ((x >>> 14) & 0x7f)];
}

/** Token grid (h×w ids, row-major) → picture, each cell a `cell`-pixel square. */
export function tokenGridPreview(ids: ArrayLike<number>, h: number, w: number, cell = Math.max(1, Math.floor(128 / Math.max(h, w)))): PreviewImage {
  const W = w * cell;
  const H = h * cell;
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [r, g, b] = idColour(Number(ids[Math.floor(y / cell) * w + Math.floor(x / cell)]));
      const o = (y * W + x) * 3;
      rgb[o] = r;
      rgb[o + 1] = g;
      rgb[o + 2] = b;
    }
  }
  return { width: W, height: H, rgb, kind: 'tokens' };
}

/** Latents [1, C, h, w] → RGB at latent resolution: channel thirds averaged, squashed to [0, 255]. */
export function latentPreview(latents: Float32Array, channels: number, h: number, w: number): PreviewImage {
  const plane = h * w;
  const rgb = new Uint8Array(plane * 3);
  const third = Math.max(1, Math.floor(channels / 3));
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      let n = 0;
      for (let c = k * third; c < Math.min(channels, (k + 1) * third); c++, n++) s += latents[c * plane + i]!;
      const v = n > 0 ? s / n : 0;
      rgb[i * 3 + k] = Math.round(255 * (0.5 + 0.5 * Math.tanh(v)));
    }
  }
  return { width: w, height: h, rgb, kind: 'latents' };
}
