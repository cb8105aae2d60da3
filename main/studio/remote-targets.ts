/**
 * Where the queue sends a job that is not for this computer: one server, or a pool whose servers take
 * jobs in turn. It knows each target's lane (a server runs one job at a time; a pool as many as it
 * has servers), what a target cannot take from a request (refused at submit when that would change
 * the image), which servers failed lately (their pool skips them for a while), and each server's
 * past jobs for the ETA of OpenAI-style servers. Tests of a server are kept to show in Settings.
 */
import {
  type EventBus,
  GlimmerError,
  type JobTarget,
  type PoolInfo,
  type ServerInfo,
  type ServerKind,
  type ServerTest,
  type TargetLimit,
  targetLimits,
  type GenerateRequest,
} from '../contract';
import {
  blockingProblem,
  createEngine,
  detectKind,
  EtaHistory,
  type GlimmerEngineOptions,
  isServerFault,
  PoolRotation,
  type RemoteEngine,
  RemoteError,
  type RemoteJob,
  type RemoteRunOptions,
  runOnPool,
  type ServerConfig,
  ServerHealth,
} from '../remote';
import type { ServerStore } from './servers';

export interface RemoteTargetsOptions {
  store: ServerStore;
  app: string;
  events?: EventBus;
  log?: (message: string) => void;
  /** Limits, retries and timing of the engines (tests make them short). */
  engineOptions?: Omit<Partial<GlimmerEngineOptions>, 'app' | 'history' | 'log'>;
  /** How long a failed server is skipped by its pool (ms). */
  cooldownMs?: number;
}

export interface RemoteRun extends RemoteRunOptions {
  /** The server that takes the job (a pool: each one it is tried on). */
  onServer?: (server: { id: string; name: string; kind: ServerKind }) => void;
}

export class RemoteTargets {
  readonly health: ServerHealth;
  private readonly rotation = new PoolRotation();
  private readonly busy = new Set<string>();
  private readonly history: EtaHistory;
  private readonly tests = new Map<string, ServerTest>();
  private readonly log: (m: string) => void;

  constructor(private readonly opts: RemoteTargetsOptions) {
    this.health = new ServerHealth(opts.cooldownMs ?? 60_000);
    this.history = new EtaHistory(opts.store.etaHistory());
    this.log = opts.log ?? (() => undefined);
  }

  get store(): ServerStore {
    return this.opts.store;
  }

  engine(config: ServerConfig): RemoteEngine {
    return createEngine(config, { ...(this.opts.engineOptions ?? {}), app: this.opts.app, history: this.history, log: this.log });
  }

  /** The kind of a target's servers ('local' for this computer); throws when it names nothing. */
  kindOf(target: JobTarget): ServerKind | 'local' {
    if (target.type === 'local') return 'local';
    if (target.type === 'server') return this.opts.store.get(target.id).kind;
    const members = this.opts.store.pool(target.name);
    if (members.length === 0) throw new GlimmerError('not_found', `There is no pool named "${target.name}". Choose another target.`);
    return members[0]!.kind;
  }

  /** What the target cannot take from the request; throws when it names nothing or must refuse it. */
  check(target: JobTarget, request: GenerateRequest): TargetLimit[] {
    const kind = this.kindOf(target);
    const limits = targetLimits(kind, request);
    if (kind === 'openai') {
      const name = target.type === 'server' ? this.opts.store.get(target.id).name : `pool ${(target as { name: string }).name}`;
      const refused = blockingProblem({ name, kind }, limits);
      if (refused) throw refused;
    }
    return limits;
  }

  /** What the target cannot take, for showing (never throws: an unknown target takes nothing away). */
  limits(target: JobTarget, request: GenerateRequest): TargetLimit[] {
    try {
      return targetLimits(this.kindOf(target), request);
    } catch {
      return [];
    }
  }

  /** The lane a target's jobs wait in, and how many of them may run at once. */
  lane(target: JobTarget): { key: string; capacity: number } {
    if (target.type === 'local') return { key: 'local', capacity: 1 };
    if (target.type === 'server') return { key: `server:${target.id}`, capacity: 1 };
    return { key: `pool:${target.name.toLowerCase()}`, capacity: Math.max(1, this.opts.store.pool(target.name).length) };
  }

  async run(target: JobTarget, job: RemoteJob, opts: RemoteRun): Promise<number> {
    if (target.type === 'local') throw new GlimmerError('internal', 'A local job was sent to a remote target.');
    const client = this.opts.store.clientId;
    if (target.type === 'server') return this.runOn(this.opts.store.get(target.id), job, { ...opts, client });
    const members = this.opts.store.pool(target.name);
    let delivered = 0;
    const counted: RemoteRun = {
      ...opts,
      client,
      onImage: async (img, i) => {
        await opts.onImage?.(img, i);
        delivered += 1;
      },
    };
    const order = this.rotation.order(target.name.toLowerCase(), members, this.health, this.busy);
    return runOnPool(
      target.name,
      order,
      this.health,
      async (member) => {
        this.rotation.picked(target.name.toLowerCase(), members, member);
        try {
          return await this.runOn(member, job, counted);
        } catch (err) {
          // images already kept: the job does not start again elsewhere (it would make them twice)
          if (delivered > 0 && isServerFault(err)) throw new GlimmerError((err as RemoteError).code, (err as Error).message);
          throw err;
        }
      },
      (member, err) => this.log(`[remote] pool ${target.name}: ${member.name} failed (${err.message}); skipped for a while`),
    );
  }

  private async runOn(config: ServerConfig, job: RemoteJob, opts: RemoteRun): Promise<number> {
    this.busy.add(config.id);
    opts.onServer?.({ id: config.id, name: config.name, kind: config.kind });
    try {
      const n = await this.engine(config).run(job, opts);
      this.health.markOk(config.id);
      await this.opts.store.recordJob(config.id, this.history.toJSON());
      this.emitChanged();
      return n;
    } catch (err) {
      if (isServerFault(err)) {
        this.health.markFailed(config.id, (err as Error).message);
        this.emitChanged();
      }
      throw err;
    } finally {
      this.busy.delete(config.id);
    }
  }

  /** Tests a saved server (its result is kept for Settings), or one being typed in. */
  async test(spec: { id: string } | { url: string; kind?: ServerKind | undefined; key?: string | undefined; ca?: string | undefined }, signal?: AbortSignal): Promise<ServerTest> {
    if ('id' in spec) {
      const config = this.opts.store.get(spec.id);
      const result = await this.engine(config).test(signal);
      this.tests.set(config.id, result);
      if (result.ok) this.health.markOk(config.id);
      this.emitChanged();
      return result;
    }
    let kind = spec.kind;
    if (!kind) {
      try {
        kind = await detectKind(spec.url, spec.key, signal, undefined, spec.ca);
      } catch (err) {
        return { ok: false, kind: 'openai', product: null, model: null, latencyMs: null, message: (err as Error).message, testedAt: Date.now() };
      }
    }
    return this.engine({ id: 'srv-unsaved', name: new URL(spec.url).host, url: spec.url, kind, ...(spec.key ? { key: spec.key } : {}), ...(spec.ca ? { ca: spec.ca } : {}) }).test(signal);
  }

  /** A server removed: nothing of it is kept. */
  forget(id: string): void {
    this.tests.delete(id);
    this.health.forget(id);
    this.history.forget(id);
  }

  /** A server changed: its last test no longer holds; another address or kind starts a new history. */
  changed(before: ServerConfig, after: ServerConfig): void {
    if (before.url !== after.url || before.kind !== after.kind) this.forget(after.id);
    else {
      this.tests.delete(after.id);
      this.health.forget(after.id);
    }
  }

  info(config: ServerConfig): ServerInfo {
    return {
      id: config.id,
      name: config.name,
      url: config.url,
      kind: config.kind,
      pool: config.pool ?? null,
      keySet: Boolean(config.key),
      caSet: Boolean(config.ca),
      lastTest: this.tests.get(config.id) ?? null,
      failingUntil: this.health.failingUntil(config.id),
      lastError: this.health.failingUntil(config.id) !== null ? this.health.lastError(config.id) : null,
      jobsDone: this.opts.store.jobsDone(config.id),
    };
  }

  list(): { servers: ServerInfo[]; pools: PoolInfo[] } {
    return { servers: this.opts.store.list().map((s) => this.info(s)), pools: this.opts.store.pools() };
  }

  emitChanged(): void {
    this.opts.events?.emit('servers.changed', this.list());
  }
}
