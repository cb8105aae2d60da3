/**
 * The loaded module runtimes of one model, under a memory plan:
 *   resident    every module stays loaded once used (fastest; needs memory for all of them)
 *   sequential  a stage loads what it needs and releases it when it is done: AR (+ vision), then
 *               VAE encoder (image-to-image), then glyph, then DiT, then VAE decoder.
 * With a budget (a memory tier, contract/tiers.ts) modules are not released at the end of a stage
 * but when loading the next one would pass the budget (native-models/memory.ts planEviction: least
 * recently used first, never the one the stage needs), with the stage's working memory kept free.
 * So only what the next phase's memory needs is released, and a second image at the same settings
 * loads nothing that is still in memory. releaseAll() frees everything (cancel, model switch, exit).
 */
import { heldBytes, moduleActivationBytes, PHASE_OVERHEAD_BYTES, planEviction, type ActivationOptions, type DeviceKind } from '../../../native-models/memory';
import { type MemoryProfile, type ProviderName, errorCode, GlimmerError } from '../../contract';
import type { CompiledModel, ModuleKey, ModuleRuntimes } from './model';

export interface MemoryPlan {
  profile: MemoryProfile;
  /** Bytes loaded modules are kept within (a tier's budget); null: only the profile's rule. */
  budget: number | null;
  /** The VAE works in overlapping tiles above this many pixels (Infinity: never). */
  vaeTileAbovePixels: number;
}

/** The plan of a bare memory profile (no tier): no budget; sequential tiles the VAE above 1024², resident never. */
export function profilePlan(profile: MemoryProfile): MemoryPlan {
  return { profile, budget: null, vaeTileAbovePixels: profile === 'sequential' ? 1024 * 1024 : Number.POSITIVE_INFINITY };
}

/** The image a job makes, for the working memory each stage keeps free (width, height, reference pixels). */
export type JobSize = Pick<ActivationOptions, 'width' | 'height' | 'referencePixels'>;

export class ModuleSessions {
  private readonly loaded = new Map<ModuleKey, Promise<ModuleRuntimes[ModuleKey]>>();
  private readonly lastUsed = new Map<ModuleKey, number>();
  private clock = 0;
  private job: JobSize | null = null;
  readonly plan: MemoryPlan;
  /** Sessions created per module since this object was made (what a second image at the same settings should not add to). */
  readonly loads = new Map<ModuleKey, number>();

  constructor(
    readonly model: CompiledModel,
    readonly provider: ProviderName,
    plan: MemoryPlan | MemoryProfile,
  ) {
    this.plan = typeof plan === 'string' ? profilePlan(plan) : plan;
  }

  get profile(): MemoryProfile {
    return this.plan.profile;
  }

  private get device(): DeviceKind {
    return this.provider === 'cpu' ? 'cpu' : 'gpu';
  }

  /** Modules that could not start on the chosen provider and run on the CPU instead, with why. */
  readonly fallbacks = new Map<ModuleKey, string>();

  /** The size of the image about to be made (the working memory kept free when making room). */
  beginJob(size: JobSize): void {
    this.job = size;
  }

  /** The runtime of a module, loading it if needed (after making room for it under a budget). */
  async get<K extends ModuleKey>(key: K): Promise<ModuleRuntimes[K]> {
    this.lastUsed.set(key, ++this.clock);
    let p = this.loaded.get(key) as Promise<ModuleRuntimes[K]> | undefined;
    if (!p) {
      await this.makeRoom(key);
      p = this.load(key);
      this.loaded.set(key, p);
      this.loads.set(key, (this.loads.get(key) ?? 0) + 1);
      p.catch(() => this.loaded.delete(key));
    }
    try {
      return await p;
    } catch (err) {
      throw withProfile(err, this.profile);
    }
  }

  /** Under a budget, release the least recently used modules the stage does not need until `key` fits. */
  private async makeRoom(key: ModuleKey): Promise<void> {
    if (this.plan.budget === null) return;
    const shapes = this.model.manifest.memory?.shapes;
    const compute = (this.model.manifest.modules[key === 'vaeEncoder' || key === 'vaeDecoder' ? 'vae' : key]?.compute ?? 'fp32') as 'fp32' | 'fp16';
    const reserve = shapes && this.job ? moduleActivationBytes(key, shapes, { ...this.job, compute, device: this.device }) + PHASE_OVERHEAD_BYTES : 0;
    const loaded = [...this.loaded.keys()].map((k) => ({ key: k, bytes: heldBytes(this.model.weightBytes(k, this.device)), lastUsed: this.lastUsed.get(k) ?? 0 }));
    for (const k of planEviction(loaded, heldBytes(this.model.weightBytes(key, this.device)), [key], this.plan.budget, reserve)) await this.release(k as ModuleKey);
  }

  /**
   * Loads on the chosen provider; when that provider cannot start this module's session (an
   * unsupported op, a driver refusing it), the module runs on the CPU and the reason is kept. Missing
   * or damaged files and out-of-memory are not provider problems and are thrown as they are.
   */
  private async load<K extends ModuleKey>(key: K): Promise<ModuleRuntimes[K]> {
    const lowMemory = this.profile === 'sequential';
    try {
      return await this.model.loadModule(key, this.provider, lowMemory);
    } catch (err) {
      const code = errorCode(err) ?? 'internal';
      if (this.provider === 'cpu' || code === 'model_missing' || code === 'out_of_memory' || code === 'cancelled') throw err;
      const runtime = await this.model.loadModule(key, 'cpu', lowMemory);
      const why = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : String(err);
      this.fallbacks.set(key, `${this.provider} could not run it (${why}); using cpu`);
      return runtime;
    }
  }

  /**
   * End of a stage: under `sequential` without a budget, release what it used. With a budget the
   * modules stay until another one needs their room (makeRoom).
   */
  async endStage(keys: ModuleKey[]): Promise<void> {
    if (this.profile !== 'sequential' || this.plan.budget !== null) return;
    for (const k of keys) await this.release(k);
  }

  async release(key: ModuleKey): Promise<void> {
    const p = this.loaded.get(key);
    if (!p) return;
    this.loaded.delete(key);
    try {
      await (await p).release();
    } catch {
      // a module that failed to load has nothing to release
    }
  }

  async releaseAll(): Promise<void> {
    for (const k of [...this.loaded.keys()]) await this.release(k);
  }

  get loadedModules(): ModuleKey[] {
    return [...this.loaded.keys()];
  }
}

/** An out-of-memory error names the profile in use and what to try next. */
export function withProfile(err: unknown, profile: MemoryProfile): unknown {
  if (!(err instanceof GlimmerError) || err.code !== 'out_of_memory') return err;
  const advice =
    profile === 'resident'
      ? 'Switch the memory profile to "sequential" in Settings (it loads one stage at a time), or choose a smaller image size.'
      : 'Already on the "sequential" memory profile: compile the model at a smaller precision (int4 AR + fp16 DiT), choose a smaller image size, or use another execution provider.';
  const details = typeof err.details === 'object' && err.details !== null ? { ...err.details, memoryProfile: profile } : { memoryProfile: profile };
  return new GlimmerError('out_of_memory', `The model did not fit in memory with the "${profile}" memory profile. ${advice}`, details);
}
