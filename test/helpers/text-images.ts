/**
 * Images with known text for the text-check tests and benchmark, rendered here with real sharp
 * (librsvg + fontconfig) from SVG: the fonts are Debian's DejaVu, Liberation and WenQuanYi Zen Hei
 * (fonts-wqy-zenhei, which .ci/run installs where it is missing).
 */
import sharp from 'sharp';

export interface TextItem {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  font: string;
  size: number;
  color: string;
  /** Degrees, about (x, y). */
  rotate?: number;
  weight?: 'normal' | 'bold';
}

export interface TextImageSpec {
  width: number;
  height: number;
  background: string;
  items: TextItem[];
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function textSvg(spec: TextImageSpec): string {
  const items = spec.items
    .map(
      (t) =>
        `<text x="${t.x}" y="${t.y}" font-family="${escapeXml(t.font)}" font-size="${t.size}" font-weight="${t.weight ?? 'normal'}" fill="${t.color}"${
          t.rotate ? ` transform="rotate(${t.rotate} ${t.x} ${t.y})"` : ''
        }>${escapeXml(t.text)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}"><rect width="100%" height="100%" fill="${spec.background}"/>${items}</svg>`;
}

/** The spec rendered to PNG bytes. */
export async function renderTextPng(spec: TextImageSpec): Promise<Buffer> {
  return sharp(Buffer.from(textSvg(spec))).png().toBuffer();
}

/** Uniform RGB noise (seeded), as PNG bytes. */
export async function noisePng(width: number, height: number, seed = 1): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = s & 0xff;
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Whether fontconfig knows a family (rendering falls back silently to another font otherwise). */
export async function hasFont(family: string): Promise<boolean> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('fc-list', [`:family=${family}`, 'family'], (err, stdout) => resolve(!err && stdout.trim().length > 0));
  });
}

/** A poster-like test image of `size`² with a headline, a subtitle, a slightly turned line, small print and a Chinese line: what the text check reads after a generation. */
export function samplePoster(size: number): { spec: TextImageSpec; strings: string[] } {
  const k = size / 1024;
  const items: TextItem[] = [
    { text: 'GRAND OPENING', x: 80 * k, y: 180 * k, font: 'DejaVu Sans', size: 96 * k, color: '#f5e6c8', weight: 'bold' },
    { text: 'Fresh Coffee Daily', x: 80 * k, y: 330 * k, font: 'Liberation Serif', size: 64 * k, color: '#ffffff' },
    { text: 'Open 7am to 9pm', x: 80 * k, y: 470 * k, font: 'DejaVu Sans Mono', size: 44 * k, color: '#ffd27f', rotate: 3 },
    { text: '新年快乐', x: 80 * k, y: 640 * k, font: 'WenQuanYi Zen Hei', size: 88 * k, color: '#ff6b5b' },
    { text: 'Handmade Bread and Pastries', x: 80 * k, y: 780 * k, font: 'Liberation Sans', size: 40 * k, color: '#e0e0e0' },
    { text: '12 Market Street', x: 80 * k, y: 900 * k, font: 'DejaVu Serif', size: 30 * k, color: '#c0c0c0' },
  ];
  return { spec: { width: size, height: size, background: '#1d2b3a', items }, strings: items.map((i) => i.text) };
}

/** The poster of the text-check plumbing tests: one quoted string drawn as written, one misspelled, and a line not quoted. */
export const MISSPELT = {
  prompt: 'a cafe poster with "GRAND OPENING" and “Fresh Coffee”',
  right: 'GRAND OPENING',
  quoted: 'Fresh Coffee',
  drawn: 'Fresh Cofee',
} as const;

/** MISSPELT drawn at `width` x `width * 2 / 3`, light on dark. */
export function misspeltPoster(width = 768): TextImageSpec {
  const k = width / 768;
  return {
    width,
    height: Math.round((width * 2) / 3),
    background: '#1b2a3a',
    items: [
      { text: MISSPELT.right, x: 60 * k, y: 150 * k, font: 'DejaVu Sans', size: 64 * k, color: '#f5e6c8', weight: 'bold' },
      { text: MISSPELT.drawn, x: 60 * k, y: 300 * k, font: 'Liberation Serif', size: 56 * k, color: '#ffffff' },
      { text: 'since 1998', x: 60 * k, y: 420 * k, font: 'DejaVu Sans Mono', size: 32 * k, color: '#ffd27f' },
    ],
  };
}
