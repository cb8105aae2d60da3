/**
 * The engine's services for one app process: settings, the Engine (model, provider, sessions) and
 * the job queue, persisted through the library's jobs table when the library opens (in memory
 * otherwise). Made by main/context.ts; dispose() stops the running job and frees every session.
 */
import path from 'node:path';
import { type EngineStatus, GlimmerError, type EventBus } from '../contract';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Library } from '../library';
import { readManifest } from '../../native-models/manifest';
import { Engine } from '../engine/pipeline';
import { JobQueue, MemoryQueueStore } from './queue';
import { SettingsStore } from './settings';

export interface EngineServicesOptions {
  appName: string;
  appVersion: string;
  dataDir: string;
  modelsDir: string;
  events: EventBus;
  log: (message: string) => void;
  /** The shared library (null when it cannot be opened: jobs are then kept in memory). */
  library: () => Promise<Library | null>;
}

export class EngineServices {
  readonly settings: SettingsStore;
  readonly engine: Engine;
  private queuePromise: Promise<JobQueue> | null = null;

  constructor(private readonly opts: EngineServicesOptions) {
    this.settings = new SettingsStore(opts.dataDir, opts.log);
    this.engine = new Engine({
      app: `${opts.appName} ${opts.appVersion}`,
      settings: () => this.settings.get(),
      compileCacheDir: path.join(opts.modelsDir, 'compiled'),
      log: opts.log,
      resolveImage: async (ref, what) => {
        if (!('generationId' in ref)) throw new Error('unreachable');
        const lib = await opts.library();
        const id = Number(ref.generationId);
        if (!lib || !Number.isInteger(id)) throw new GlimmerError('not_found', `${what}: there is no generation ${ref.generationId}.`);
        const g = lib.getGeneration(id);
        if (!g.media) throw new GlimmerError('not_found', `${what}: generation ${ref.generationId} has no image.`);
        return readFile(lib.imageFile(g.media.hash));
      },
      resolveRecipe: async (generationId) => {
        const lib = await opts.library();
        const id = Number(generationId);
        if (!lib || !Number.isInteger(id)) return null;
        try {
          return lib.getGeneration(id).recipe;
        } catch {
          return null;
        }
      },
    });
    // a changed model/provider/profile takes effect at the next job; free the old sessions now if idle
    this.settings.onChange(() => {
      void this.queue().then((q) => {
        if (!q.runningId) void this.engine.unload();
      });
    });
  }

  queue(): Promise<JobQueue> {
    if (!this.queuePromise) {
      this.queuePromise = (async () => {
        let library: Library | null = null;
        try {
          library = await this.opts.library();
        } catch (err) {
          this.opts.log(`[engine] the library could not be opened (${(err as Error).message}); the job queue is kept in memory`);
        }
        return new JobQueue({
          engine: this.engine,
          store: library ? library.jobs : new MemoryQueueStore(),
          library,
          events: this.opts.events,
          log: this.opts.log,
        });
      })();
    }
    return this.queuePromise;
  }

  async status(): Promise<EngineStatus> {
    const s = this.settings.get();
    const provider = await this.engine.provider();
    const q = await this.queue();
    let model: EngineStatus['model'] = null;
    if (s.modelDir) {
      const current = this.engine.current;
      if (current && path.resolve(current.model.dir) === path.resolve(s.modelDir)) {
        model = { dir: s.modelDir, id: current.model.id, precision: current.model.precision, ready: true, problem: null };
      } else {
        try {
          const m = readManifest(s.modelDir);
          model = { dir: s.modelDir, id: m.id, precision: m.precision, ready: false, problem: this.engine.problem };
        } catch (err) {
          // a checkpoint folder is compiled at the first job
          const checkpoint = existsSync(path.join(s.modelDir, 'model_index.json'));
          const problem = this.engine.problem ?? (checkpoint ? null : (err as Error).message);
          model = { dir: s.modelDir, id: '', precision: s.precision, ready: false, problem };
        }
      }
    }
    return {
      model,
      provider: { chosen: provider.chosen, reason: provider.reason },
      memoryProfile: s.memoryProfile,
      running: q.runningId,
      waiting: q.waitingCount,
    };
  }

  async dispose(): Promise<void> {
    if (this.queuePromise) await (await this.queuePromise).dispose();
    await this.engine.dispose();
  }
}
