/**
 * buildGlyph: GLM-Image's glyph encoder (text_encoder/, a T5 encoder) → <outDir>/glyph.onnx (+ .onnx.data),
 * plus <outDir>/glyph.json (the description below, file names relative) and a copy of the ByT5
 * tokenizer config (<outDir>/glyph-tokenizer/tokenizer_config.json) so the compiled folder is
 * self-contained. Graph and inputs: graph.ts. Runtime: main/engine/glyph.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GraphBuilder } from '../onnx/builder';
import type { WeightPrecision } from '../onnx/precision';
import { SafetensorsCheckpoint } from '../safetensors';
import { readT5EncoderConfig, type T5EncoderConfig, type T5Activation } from './config';
import { buildT5EncoderGraph, GLYPH_INPUTS, GLYPH_OUTPUTS, T5Weights } from './graph';
import { writeJsonAtomic } from '../atomic-write';

export { readT5EncoderConfig, GLYPH_INPUTS, GLYPH_OUTPUTS };
export type { T5EncoderConfig, T5Activation };

export interface BuildGlyphOptions {
  /** Weights of the linear layers and the embedding table (fp32 keeps everything fp32). Default fp32. */
  precision?: WeightPrecision;
  /** The ByT5 tokenizer folder (default: tokenizer/ beside componentDir). */
  tokenizerDir?: string;
  /** Base file name (default "glyph"). */
  baseName?: string;
}

export interface GlyphTensorInfo {
  name: string;
  type: string;
  dims: (number | string)[];
}

/** What glyph.json holds (file names relative to its folder). */
export interface GlyphManifest {
  module: 'glyph';
  modelFile: string;
  dataFile: string;
  bytes: number;
  precision: WeightPrecision;
  inputs: GlyphTensorInfo[];
  outputs: GlyphTensorInfo[];
  t5: T5EncoderConfig;
  /** T5 relative attention: the runtime computes position_bucket with these. Encoder → bidirectional. */
  relativeAttention: { numBuckets: number; maxDistance: number; bidirectional: boolean };
  /** Folder (relative) with the ByT5 tokenizer_config.json; null = the stock ByT5 layout. */
  tokenizerDir: string | null;
}

export interface GlyphModelDescription extends GlyphManifest {
  /** Absolute paths of what was written. */
  modelPath: string;
  dataPath: string;
  manifestPath: string;
}

export const GLYPH_MANIFEST_FILE = 'glyph.json';

export async function buildGlyph(componentDir: string, outDir: string, opts: BuildGlyphOptions = {}): Promise<GlyphModelDescription> {
  const precision = opts.precision ?? 'fp32';
  const baseName = opts.baseName ?? 'glyph';
  const cfg = readT5EncoderConfig(componentDir);
  await mkdir(outDir, { recursive: true });
  const ckpt = await SafetensorsCheckpoint.open(componentDir);
  let saved;
  try {
    const g = new GraphBuilder('glm_image_glyph_t5', {
      metadata: { module: 'glyph', precision },
      docString: 'GLM-Image glyph encoder: T5 encoder over ByT5 byte ids (quoted prompt text)',
    });
    await buildT5EncoderGraph(g, new T5Weights(ckpt, componentDir), cfg, precision);
    saved = await g.save(outDir, baseName);
  } finally {
    await ckpt.close();
  }

  const tokSrc = path.join(opts.tokenizerDir ?? path.join(componentDir, '..', 'tokenizer'), 'tokenizer_config.json');
  let tokenizerDir: string | null = null;
  if (existsSync(tokSrc)) {
    tokenizerDir = `${baseName}-tokenizer`;
    await mkdir(path.join(outDir, tokenizerDir), { recursive: true });
    await copyFile(tokSrc, path.join(outDir, tokenizerDir, 'tokenizer_config.json'));
  }

  const manifest: GlyphManifest = {
    module: 'glyph',
    modelFile: path.basename(saved.modelPath),
    dataFile: path.basename(saved.dataPath),
    bytes: saved.bytes,
    precision,
    inputs: [
      { name: GLYPH_INPUTS.inputIds, type: 'int64', dims: ['batch', 'seq'] },
      { name: GLYPH_INPUTS.attentionMask, type: 'int64', dims: ['batch', 'seq'] },
      { name: GLYPH_INPUTS.positionBucket, type: 'int64', dims: ['seq', 'seq'] },
    ],
    outputs: [{ name: GLYPH_OUTPUTS.lastHiddenState, type: 'float32', dims: ['batch', 'seq', cfg.dModel] }],
    t5: cfg,
    relativeAttention: { numBuckets: cfg.relativeAttentionNumBuckets, maxDistance: cfg.relativeAttentionMaxDistance, bidirectional: true },
    tokenizerDir,
  };
  const manifestPath = path.join(outDir, baseName === 'glyph' ? GLYPH_MANIFEST_FILE : `${baseName}.json`);
  await writeJsonAtomic(manifestPath, manifest);
  return { ...manifest, modelPath: saved.modelPath, dataPath: saved.dataPath, manifestPath };
}
