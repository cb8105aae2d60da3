/**
 * Cheap previews: the AR token grid as a coarse picture (one colour per codebook id, so structure
 * shows as soon as the grid is written), and the DiT latents projected to RGB.
 */
import { deflateSync } from 'node:zlib';
import { png } from '../../library';
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

/**
 * A preview as a small PNG data: URL (nearest-neighbour scaled to about 128 px), made synchronously
 * (zlib + the library's PNG chunk writer) so progress events carry it in order.
 */
export function previewDataUrl(p: { width: number; height: number; rgb: Uint8Array }): string {
  const scale = Math.max(1, Math.floor(128 / Math.max(p.width, p.height)));
  const W = p.width * scale;
  const H = p.height * scale;
  const raw = Buffer.alloc(H * (1 + W * 3));
  for (let y = 0; y < H; y++) {
    const row = y * (1 + W * 3); // filter byte 0 (none)
    const sy = Math.floor(y / scale);
    for (let x = 0; x < W; x++) {
      const s = (sy * p.width + Math.floor(x / scale)) * 3;
      const o = row + 1 + x * 3;
      raw[o] = p.rgb[s]!;
      raw[o + 1] = p.rgb[s + 1]!;
      raw[o + 2] = p.rgb[s + 2]!;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0);
  ihdr.writeUInt32BE(H, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour RGB
  const file = png.writeChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: deflateSync(raw, { level: 3 }) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ]);
  return `data:image/png;base64,${file.toString('base64')}`;
}
