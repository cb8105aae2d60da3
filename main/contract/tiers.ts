/**
 * Memory tiers: a name a user picks ("my GPU has 12 GB") that stands for a compile preset, a compute
 * precision, a memory profile and when the VAE decodes in tiles. main/models estimates each tier's
 * peak memory for a model and an image size (main/models/README.md has the formula); the Models
 * screen shows it next to the tier.
 *
 *   tier     preset (AR + DiT weights)  compute  memory profile  VAE tiles    sized for  target at 1024²
 *   gpu-24   int4 AR + fp16 DiT          fp16     resident        above 1024²  24 GB      —
 *   gpu-16   int4 AR + fp16 DiT,         fp16     sequential      above 1024²  16 GB      ≤ 15 GB
 *            int8 feed-forward
 *   gpu-12   int4 AR + int8 DiT          fp16     sequential      above 1024²  12 GB      ≤ 11 GB
 *   gpu-8    int4 AR + int4 DiT          fp16     sequential      always       8 GB       ≤ 7.5 GB
 *   cpu      int8 AR + int8 DiT          fp32     sequential      above 1024²  host RAM   —
 */
import type { ComputePrecision, MemoryProfile, Precision, Tier } from './vocabulary';

export interface TierSpec {
  /** Short name for menus: "GPU 16 GB". */
  label: string;
  /** One sentence: what it keeps in memory and at which precision. */
  description: string;
  precision: Precision;
  compute: ComputePrecision;
  memoryProfile: MemoryProfile;
  /**
   * The VAE decodes (and encodes references) in overlapping tiles when the image has more pixels
   * than this (0: always); below it the whole latent goes in one call.
   */
  vaeTileAbovePixels: number;
  /** Device memory the tier is sized for, in bytes (null: the CPU tier, host memory). */
  deviceBytes: number | null;
  /**
   * The peak it must stay under at 1024x1024 with the real GLM-Image shapes (bytes; null: none set).
   * The engine keeps loaded modules within tierBudget: this target, else 92% of the device.
   */
  targetBytes: number | null;
}

const GB = 1e9;

export const TIERS: Readonly<Record<Tier, TierSpec>> = {
  'gpu-24': {
    label: 'GPU 24 GB',
    description: 'int4 AR + fp16 DiT computing in fp16; modules stay loaded while they fit (fastest).',
    precision: 'int4',
    compute: 'fp16',
    memoryProfile: 'resident',
    vaeTileAbovePixels: 1024 * 1024,
    deviceBytes: 24 * GB,
    targetBytes: null,
  },
  'gpu-16': {
    label: 'GPU 16 GB',
    description: 'int4 AR + fp16 DiT with an int8 feed-forward, computing in fp16; modules released when the next stage needs the room.',
    precision: 'int4-mixed',
    compute: 'fp16',
    memoryProfile: 'sequential',
    vaeTileAbovePixels: 1024 * 1024,
    deviceBytes: 16 * GB,
    targetBytes: 15 * GB,
  },
  'gpu-12': {
    label: 'GPU 12 GB',
    description: 'int4 AR + int8 DiT computing in fp16; modules released when the next stage needs the room.',
    precision: 'int4-int8',
    compute: 'fp16',
    memoryProfile: 'sequential',
    vaeTileAbovePixels: 1024 * 1024,
    deviceBytes: 12 * GB,
    targetBytes: 11 * GB,
  },
  'gpu-8': {
    label: 'GPU 8 GB',
    description: 'int4 AR + int4 DiT computing in fp16; modules released when the next stage needs the room; the VAE in tiles.',
    precision: 'int4-int4',
    compute: 'fp16',
    memoryProfile: 'sequential',
    vaeTileAbovePixels: 0,
    deviceBytes: 8 * GB,
    targetBytes: 7.5 * GB,
  },
  cpu: {
    label: 'CPU',
    description: 'int8 AR + int8 DiT computing in fp32 (int8 activations where fastest); one stage at a time in host memory.',
    precision: 'int8',
    compute: 'fp32',
    memoryProfile: 'sequential',
    vaeTileAbovePixels: 1024 * 1024,
    deviceBytes: null,
    targetBytes: null,
  },
};

/** Bytes the engine keeps loaded modules within under a tier (null: no limit but the profile's). */
export function tierBudget(spec: TierSpec): number | null {
  return spec.targetBytes ?? (spec.deviceBytes !== null ? 0.92 * spec.deviceBytes : null);
}

/** One module's share of a tier's estimate. */
export interface ModuleEstimate {
  module: string;
  weightsBytes: number;
  /** Largest working memory while it runs at the estimated size. */
  activationBytes: number;
}

/** A tier's peak memory for one model at one image size (main/models/tier-estimate.ts). */
export interface TierEstimate {
  tier: Tier;
  width: number;
  height: number;
  /** The largest of the phases' totals: what must fit. */
  peakBytes: number;
  /** Each phase's total (weights resident in it + its largest activations + runtime overhead). */
  phases: { phase: string; bytes: number; modules: string[] }[];
  modules: ModuleEstimate[];
  /** Where the weight sizes came from: the compiled files of this preset, or parameters × bytes per parameter. */
  basis: 'files' | 'params';
}
