/**
 * The image half of processor/processor_config.json (GlmImageImageProcessor): resize limits, patch
 * geometry and normalisation, with the reference's defaults where a key is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../../contract';
import { readConfig } from '../../../native-models/safetensors';

export interface ImageProcessorConfig {
  doResize: boolean;
  doRescale: boolean;
  doNormalize: boolean;
  rescaleFactor: number;
  imageMean: number[];
  imageStd: number[];
  minPixels: number;
  maxPixels: number;
  patchSize: number;
  temporalPatchSize: number;
  mergeSize: number;
  /** PIL resampling code (3 = bicubic). */
  resample: number;
}

interface RawImageProcessor {
  do_resize?: boolean;
  do_rescale?: boolean;
  do_normalize?: boolean;
  rescale_factor?: number;
  image_mean?: number[];
  image_std?: number[];
  size?: { shortest_edge?: number; longest_edge?: number };
  min_pixels?: number;
  max_pixels?: number;
  patch_size?: number;
  temporal_patch_size?: number;
  merge_size?: number;
  resample?: number;
}

export function parseImageProcessorConfig(raw: RawImageProcessor, file = 'processor_config.json'): ImageProcessorConfig {
  const cfg: ImageProcessorConfig = {
    doResize: raw.do_resize ?? true,
    doRescale: raw.do_rescale ?? true,
    doNormalize: raw.do_normalize ?? true,
    rescaleFactor: raw.rescale_factor ?? 1 / 255,
    imageMean: raw.image_mean ?? [0.48145466, 0.4578275, 0.40821073],
    imageStd: raw.image_std ?? [0.26862954, 0.26130258, 0.27577711],
    minPixels: raw.min_pixels ?? raw.size?.shortest_edge ?? 512 * 512,
    maxPixels: raw.max_pixels ?? raw.size?.longest_edge ?? 2048 * 2048,
    patchSize: raw.patch_size ?? 16,
    temporalPatchSize: raw.temporal_patch_size ?? 1,
    mergeSize: raw.merge_size ?? 1,
    resample: raw.resample ?? 3,
  };
  if (cfg.imageMean.length !== 3 || cfg.imageStd.length !== 3 || cfg.imageStd.some((s) => !(s > 0))) {
    throw new GlimmerError('model_corrupt', `${file}: image_mean/image_std must be three numbers (std > 0).`, { file });
  }
  if (cfg.resample !== 3) {
    throw new GlimmerError(
      'model_corrupt',
      `${file}: resample ${cfg.resample} is not supported (GLM-Image uses 3, bicubic).`,
      { file },
    );
  }
  return cfg;
}

/** Read the image processor settings from a checkpoint's processor/ folder (or the json file itself). */
export function readImageProcessorConfig(processorDirOrFile: string): ImageProcessorConfig {
  let file = processorDirOrFile;
  if (!file.endsWith('.json')) {
    const candidates = ['processor_config.json', 'preprocessor_config.json'].map((f) => path.join(processorDirOrFile, f));
    file = candidates.find((f) => existsSync(f)) ?? candidates[0]!;
  }
  const json = readConfig<{ image_processor?: RawImageProcessor } & RawImageProcessor>(file);
  return parseImageProcessorConfig(json.image_processor ?? json, file);
}
