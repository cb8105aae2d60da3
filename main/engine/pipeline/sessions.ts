/**
 * The loaded module runtimes of one model, under a memory profile:
 *   resident    every module stays loaded once used (fastest; needs memory for all of them)
 *   sequential  a stage loads what it needs and releases it when it is done: AR (+ vision), then
 *               VAE encoder (image-to-image), then glyph + DiT, then VAE decoder — so only one
 *               stage's weights are in memory at a time.
 * releaseAll() frees everything (cancel, model switch, exit).
 */
import { type MemoryProfile, type ProviderName, errorCode, GlimmerError } from '../../contract';
import type { CompiledModel, ModuleKey, ModuleRuntimes } from './model';

export class ModuleSessions {
  private readonly loaded = new Map<ModuleKey, Promise<ModuleRuntimes[ModuleKey]>>();

  constructor(
    readonly model: CompiledModel,
    readonly provider: ProviderName,
    readonly profile: MemoryProfile,
  ) {}

  /** Modules that could not start on the chosen provider and run on the CPU instead, with why. */
  readonly fallbacks = new Map<ModuleKey, string>();

  /** The runtime of a module, loading it if needed. */
  async get<K extends ModuleKey>(key: K): Promise<ModuleRuntimes[K]> {
    let p = this.loaded.get(key) as Promise<ModuleRuntimes[K]> | undefined;
    if (!p) {
      p = this.load(key);
      this.loaded.set(key, p);
      p.catch(() => this.loaded.delete(key));
    }
    try {
      return await p;
    } catch (err) {
      throw withProfile(err, this.profile);
    }
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

  /** End of a stage: under `sequential`, release what it used. */
  async endStage(keys: ModuleKey[]): Promise<void> {
    if (this.profile !== 'sequential') return;
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
