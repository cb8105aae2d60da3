/**
 * The shared vocabularies, one definition each: every layer (engine, library, models, API, renderer)
 * names these things with exactly these words.
 */
import { z } from 'zod';

/** onnxruntime execution providers the studio knows. */
export const ProviderName = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type ProviderName = z.infer<typeof ProviderName>;

/** A provider setting: one of them, or 'auto' (the best that works here). */
export const ProviderChoice = z.union([z.literal('auto'), ProviderName]);
export type ProviderChoice = z.infer<typeof ProviderChoice>;

/**
 * What a generation does: text-to-image, or one of the image-to-image modes (edit a source image,
 * style transfer from a style reference, identity-preserving edit of a subject).
 */
export const GenerationMode = z.enum(['text', 'edit', 'style', 'identity']);
export type GenerationMode = z.infer<typeof GenerationMode>;

/** A library entry's mode: a generation's, or 'import' for an image brought in from a file. */
export const LibraryMode = z.enum([...GenerationMode.options, 'import']);
export type LibraryMode = z.infer<typeof LibraryMode>;

/**
 * The precisions a model is compiled at (the compile presets of native-models/presets.ts, which
 * test/unit/contract-vocabulary.test.ts keeps equal to this list): weights per module, e.g. int4-int8
 * = int4 AR + int8 DiT.
 */
export const Precision = z.enum(['fp32', 'fp16', 'int8', 'int4', 'int4-mixed', 'int4-int8', 'int4-int4']);
export type Precision = z.infer<typeof Precision>;

/** The element type activations flow in, chosen at compile beside the weights: fp32 (CPU graphs) or fp16 (GPU graphs). */
export const ComputePrecision = z.enum(['fp32', 'fp16']);
export type ComputePrecision = z.infer<typeof ComputePrecision>;

/** Memory tiers a user picks by name (contract/tiers.ts says what each one is). */
export const Tier = z.enum(['gpu-24', 'gpu-16', 'gpu-12', 'gpu-8', 'cpu']);
export type Tier = z.infer<typeof Tier>;

/**
 * How modules stay in memory: `resident` keeps every module loaded once used; `sequential` loads one
 * stage at a time and releases it when the next stage needs the memory.
 */
export const MemoryProfile = z.enum(['resident', 'sequential']);
export type MemoryProfile = z.infer<typeof MemoryProfile>;

/** The phases of a job, in the order they happen ('remote': on another server that reports no phases; 'check': the text check). */
export const Phase = z.enum(['queued', 'load', 'tokenize', 'ar', 'glyph', 'dit', 'vae', 'remote', 'check', 'save']);
export type Phase = z.infer<typeof Phase>;

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;
