/**
 * The engine's services for one app process: settings, the engine host (the engine in its worker
 * thread: model, provider, sessions), the servers jobs may run on instead (servers.json, RemoteTargets)
 * and the job queue, persisted through the library's jobs table when the library opens (in memory
 * otherwise). Made by context.ts; dispose() stops the running jobs, frees every session and stops
 * the engine thread.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readManifest } from '../../native-models/manifest';
import { TIERS, type EngineStatus, type EventBus } from '../contract';
import { EngineHost } from '../engine/host';
import { compiledFolderFor, displayNameFor } from '../models';
import type { Library } from '../library';
import { JobQueue } from './queue';
import { RemoteTargets, type RemoteTargetsOptions } from './remote-targets';
import { ServerStore } from './servers';
import { SettingsStore } from './settings';

export interface EngineServicesOptions {
  appName: string;
  appVersion: string;
  dataDir: string;
  modelsDir: string;
  events: EventBus;
  log: (message: string) => void;
  /** The shared library (rejects while it cannot be opened: the queue then refuses new jobs). */
  library: () => Promise<Library>;
  /** Limits and timing of the remote engines (tests make them short). */
  remote?: Pick<RemoteTargetsOptions, 'engineOptions' | 'cooldownMs'>;
}

export class EngineServices {
  readonly settings: SettingsStore;
  readonly host: EngineHost;
  readonly servers: ServerStore;
  readonly targets: RemoteTargets;
  private queuePromise: Promise<JobQueue> | null = null;

  constructor(private readonly opts: EngineServicesOptions) {
    this.settings = new SettingsStore(opts.dataDir, opts.log);
    this.servers = new ServerStore(opts.dataDir, opts.log);
    this.targets = new RemoteTargets({
      store: this.servers,
      app: `${opts.appName} ${opts.appVersion}`,
      events: opts.events,
      log: opts.log,
      ...(opts.remote ?? {}),
    });
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

  /**
   * The job queue, kept in the library. While the library cannot be opened this rejects with the
   * library's error, so no job is accepted whose images would have nowhere to go (and the next call
   * tries the library again: fixing or rebuilding it needs no restart). Refusing was chosen over a
   * recovery folder imported at the next start: the user learns at once, nothing piles up unseen,
   * and there is no second path by which images enter the library.
   */
  queue(): Promise<JobQueue> {
    if (!this.queuePromise) {
      const made = this.opts.library().then(
        (library) =>
          new JobQueue({ engine: this.host, store: library.jobs, library, events: this.opts.events, log: this.opts.log, targets: this.targets }),
        (err: unknown) => {
          this.opts.log(`[engine] the library could not be opened; new jobs are refused until it can: ${(err as Error).message}`);
          throw err;
        },
      );
      this.queuePromise = made;
      made.catch(() => {
        if (this.queuePromise === made) this.queuePromise = null;
      });
    }
    return this.queuePromise;
  }

  async status(): Promise<EngineStatus> {
    const s = this.settings.get();
    const [provider, engine, q] = await Promise.all([this.host.provider(), this.host.status(), this.queue().catch(() => null)]);
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
      memoryProfile: s.tier ? TIERS[s.tier].memoryProfile : s.memoryProfile,
      tier: s.tier,
      running: q?.runningId ?? null,
      waiting: q?.waitingCount ?? 0,
    };
  }

  async dispose(): Promise<void> {
    if (this.queuePromise) await (await this.queuePromise.catch(() => null))?.dispose();
    await this.host.dispose();
  }
}
