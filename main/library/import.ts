/**
 * Importing an image from outside: read it (size-limited), check it (format from its bytes, name
 * agrees, size from the header, full decode), and recover its parameters: our recipe when the PNG
 * has one, else the A1111 `parameters` text other tools write. Nothing is stored until all of that
 * has passed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../contract';
import type { GenerationRow } from './generations';
import { parseParametersSummary, readPngMetadata } from './png';
import type { StoredRecipe } from '../contract';
import { type ImageFormat, type ThumbSize, inspectHeader, makeThumbnails } from './store';

/** Largest file accepted for import. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export type ImportInput = { path: string } | { bytes: Uint8Array; name: string };

export interface ImportOptions {
  projectId?: number | null;
  tags?: string[];
  /** Rebuilding the library: the image is from our own store, made at this time. */
  restore?: { createdAt: number };
}

export interface PreparedImport {
  bytes: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  thumbs: Record<ThumbSize, Buffer>;
  recipe?: StoredRecipe;
  row: Omit<GenerationRow, 'createdAt' | 'projectId' | 'imageHash' | 'tags'>;
}

async function readInput(input: ImportInput): Promise<{ bytes: Buffer; name: string }> {
  if ('bytes' in input) {
    if (input.bytes.length > MAX_IMPORT_BYTES) throw new GlimmerError('too_large', `${input.name} is larger than ${MAX_IMPORT_BYTES >> 20} MB.`);
    return { bytes: Buffer.from(input.bytes), name: path.basename(input.name) };
  }
  const name = path.basename(input.path);
  let st;
  try {
    st = await fs.stat(input.path);
  } catch {
    throw new GlimmerError('not_found', `${name} could not be found. Check that the file still exists.`);
  }
  if (!st.isFile()) throw new GlimmerError('bad_image', `${name} is not a file.`);
  if (st.size > MAX_IMPORT_BYTES) throw new GlimmerError('too_large', `${name} is larger than ${MAX_IMPORT_BYTES >> 20} MB.`);
  return { bytes: await fs.readFile(input.path), name };
}

function intOrNull(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) return null;
  return Number(text.trim());
}

export async function prepareImport(input: ImportInput, _options: ImportOptions = {}): Promise<PreparedImport> {
  const { bytes, name } = await readInput(input);
  const info = await inspectHeader(bytes, name);
  const thumbs = await makeThumbnails(bytes, name);
  const base = { bytes, format: info.format, width: info.width, height: info.height, thumbs };
  const meta = info.format === 'png' ? readPngMetadata(bytes, name) : undefined;
  const common = { parentId: null, source: 'imported' as const, status: 'done' as const, timings: null, jobId: null, references: [] };
  if (meta?.recipe) {
    const r = meta.recipe;
    return {
      ...base,
      recipe: r,
      row: {
        ...common,
        mode: r.mode,
        model: r.model,
        seed: r.seed,
        width: info.width,
        height: info.height,
        steps: r.steps,
        provider: r.provider ?? null,
        prompt: r.prompt,
        negativePrompt: r.negativePrompt ?? '',
        recipe: r,
      },
    };
  }
  const params = meta?.parameters ? parseParametersSummary(meta.parameters) : undefined;
  return {
    ...base,
    row: {
      ...common,
      mode: 'import',
      model: params?.params.Model ?? null,
      seed: intOrNull(params?.params.Seed),
      width: info.width,
      height: info.height,
      steps: intOrNull(params?.params.Steps),
      provider: null,
      prompt: params?.prompt ?? '',
      negativePrompt: params?.negativePrompt ?? '',
      recipe: null,
    },
  };
}
