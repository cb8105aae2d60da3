/** Small previews while an image is being made: RGB pixels → a PNG data: URL, written synchronously so progress events carry it in order. */
import { deflateSync } from 'node:zlib';
import { writeChunks } from './chunks';

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
  const file = writeChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: deflateSync(raw, { level: 3 }) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ]);
  return `data:image/png;base64,${file.toString('base64')}`;
}
