/**
 * The engine's services for one app process: settings, the engine host (the engine in its worker
 * thread: model, provider, sessions) and the job queue, persisted through the library's jobs table
 * when the library opens (in memory otherwise). Made by context.ts; dispose() stops the running job,
 * frees every session and stops the engine thread.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readManifest } from '../../native-models/manifest';
import type { EngineStatus, EventBus } from '../contract';
import { EngineHost } from '../engine/host';
import { compiledFolderFor, displayNameFor } from '../models';
import type { Library } from '../library';
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
  readonly host: EngineHost;
  private queuePromise: Promise<JobQueue> | null = null;

  constructor(private readonly opts: EngineServicesOptions) {
    this.settings = new SettingsStore(opts.dataDir, opts.log);
    this.host = new EngineHost({
      app: `${opts.appName} ${opts.appVersion}`,
      settings: () => this.settings.get(),
      compileCacheDir: path.join(opts.modelsDir, 'compiled'),
      log: opts.log,
    });
    // a changed model/provider/profile takes effect at the next job; free the old sessions now if idle
    this.settings.onChange(() => {
      if (!this.host.busy) void this.host.release().catch(() => undefined);
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
          engine: this.host,
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
    const [provider, engine, q] = await Promise.all([this.host.provider(), this.host.status(), this.queue()]);
    let model: EngineStatus['model'] = null;
    if (s.modelDir) {
      const name = await displayNameFor(s.modelDir, { modelsDir: this.opts.modelsDir }).catch(() => path.basename(s.modelDir!));
      // a checkpoint runs as its compiled form in the cache (compiled at the first job, at the chosen precision)
      const checkpoint = existsSync(path.join(s.modelDir, 'model_index.json'));
      const runs = checkpoint ? compiledFolderFor(this.opts.modelsDir, s.modelDir, s.precision) : s.modelDir;
      const loaded = engine.loaded;
      if (loaded && path.resolve(loaded.modelDir) === path.resolve(runs)) {
        model = { dir: s.modelDir, name, id: loaded.modelId, precision: loaded.precision, ready: true, problem: null };
      } else {
        try {
          const m = readManifest(runs);
          model = { dir: s.modelDir, name, id: m.id, precision: m.precision, ready: false, problem: engine.problem };
        } catch (err) {
          // a checkpoint not compiled yet is compiled at the first job
          const problem = engine.problem ?? (checkpoint ? null : (err as Error).message);
          model = { dir: s.modelDir, name, id: '', precision: s.precision, ready: false, problem };
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
    await this.host.dispose();
  }
}
