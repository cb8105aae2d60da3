/**
 * A compiled model folder (native-models/compile.ts) opened for inference: the manifest checked
 * (every file present with its recorded size), the small host-side parts loaded at once (processor,
 * scheduler config, VAE statistics, DiT config), and loaders for each ONNX module. Sessions are
 * made by the module runtimes through main/engine/session.ts.
 */
import path from 'node:path';
import { readManifest, verifyManifest, type ModelManifest } from '../../../native-models/manifest';
import { loadDitConfig, type DitConfig } from '../../../native-models/dit';
import { readVaeConfig } from '../../../native-models/vae';
import { type ProviderName, GlimmerError } from '../../contract';
import { ArModel, type ArSamplingDefaults, readGenerationDefaults } from '../ar';
import { DitModel } from '../dit';
import { GlyphEncoder } from '../glyph';
import { readImageProcessorConfig, type ImageProcessorConfig } from '../image';
import { GlmImageProcessor } from '../processor';
import { loadFlowMatchConfig, type FlowMatchConfig } from '../scheduler';
import { Vae, vaeRuntimeConfig, type VaeRuntimeConfig } from '../vae';
import { VisionTokenizer } from '../vision';
import type { WeightPrecision } from '../../../native-models/onnx';

/** The runtime each module loads as. */
export interface ModuleRuntimes {
  ar: ArModel;
  vision: VisionTokenizer;
  glyph: GlyphEncoder;
  dit: DitModel;
  vaeEncoder: Vae;
  vaeDecoder: Vae;
}
export type ModuleKey = keyof ModuleRuntimes;

export interface ArConfigLite {
  codebookSize: number;
  eosTokenId: number;
}

export class CompiledModel {
  readonly processor: GlmImageProcessor;
  readonly imageProcessor: ImageProcessorConfig;
  readonly scheduler: FlowMatchConfig;
  readonly vae: VaeRuntimeConfig;
  readonly dit: DitConfig;
  /** The AR's sampling defaults from the checkpoint's generation_config.json (GLM-Image's published 0.9 / 0.75 where absent). */
  readonly sampling: ArSamplingDefaults;

  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
  ) {
    const assets = path.join(dir, 'assets');
    this.processor = GlmImageProcessor.load(path.join(assets, 'processor'));
    this.imageProcessor = readImageProcessorConfig(path.join(assets, 'processor'));
    this.scheduler = loadFlowMatchConfig(path.join(assets, 'scheduler'));
    this.vae = vaeRuntimeConfig(readVaeConfig(path.join(assets, 'vae')));
    this.dit = loadDitConfig(path.join(assets, 'transformer-config.json'));
    this.sampling = readGenerationDefaults(assets);
  }

  /** Opens and checks a compiled folder. Missing/damaged files → model_missing / model_corrupt naming the file. */
  static async open(dir: string, opts: { verifyHashes?: boolean } = {}): Promise<CompiledModel> {
    const manifest = readManifest(dir);
    for (const m of ['assets', 'ar', 'vision', 'glyph', 'dit', 'vae']) {
      if (!manifest.modules[m]) {
        throw new GlimmerError('model_corrupt', `${path.join(dir, 'manifest.json')} lists no "${m}" module. Compile the model again.`, {
          file: path.join(dir, 'manifest.json'),
        });
      }
    }
    await verifyManifest(dir, manifest, { hashes: opts.verifyHashes });
    return new CompiledModel(dir, manifest);
  }

  get id(): string {
    return this.manifest.id;
  }

  get precision(): string {
    return this.manifest.precision;
  }

  /** Short hashes of each module's files, for the recipe. */
  moduleHashes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, m] of Object.entries(this.manifest.modules)) {
      const onnx = m.files.find((f) => f.path.endsWith('.onnx')) ?? m.files[0];
      if (onnx) out[name] = onnx.sha256.slice(0, 16);
    }
    return out;
  }

  /** Pixels per DiT token side (VAE factor × patch) — the reference-latent size multiple. */
  get latentMultiple(): number {
    return this.vae.scaleFactor * this.dit.patchSize;
  }

  private modDir(name: string): string {
    return path.join(this.dir, this.manifest.modules[name]!.dir);
  }

  async loadModule<K extends ModuleKey>(key: K, provider: ProviderName, lowMemory: boolean): Promise<ModuleRuntimes[K]> {
    return (await this.loadRuntime(key, provider, lowMemory)) as ModuleRuntimes[K];
  }

  private async loadRuntime(key: ModuleKey, provider: ProviderName, lowMemory: boolean): Promise<ModuleRuntimes[ModuleKey]> {
    switch (key) {
      case 'ar':
        return ArModel.load(path.join(this.modDir('ar'), 'ar.json'), { provider });
      case 'vision':
        return VisionTokenizer.load(path.join(this.modDir('vision'), 'vision.onnx'), { provider });
      case 'glyph':
        return GlyphEncoder.load(this.modDir('glyph'), { provider, lowMemory });
      case 'dit':
        return DitModel.load(this.modDir('dit'), { provider, lowMemory, precision: this.manifest.modules.dit!.precision as WeightPrecision });
      case 'vaeEncoder':
        return Vae.load({ encoder: path.join(this.modDir('vae'), 'vae_encoder.onnx') }, this.vae, { provider });
      case 'vaeDecoder':
        return Vae.load({ decoder: path.join(this.modDir('vae'), 'vae_decoder.onnx') }, this.vae, { provider });
    }
  }

  arConfig(ar: ArModel): ArConfigLite {
    return { codebookSize: ar.manifest.config.codebookSize, eosTokenId: ar.manifest.config.eosTokenId };
  }
}
