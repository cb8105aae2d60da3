/**
 * The servers jobs may run on, as the renderer knows them (servers.list, kept current by the
 * servers.changed event), and the target the next job goes to (shared by the generate panel and the
 * canvas, so picking it in one shows in the other). No React here.
 */
import { type EventMessage, type JobTarget, LOCAL_TARGET, type PoolInfo, type ServerInfo, type ServerKind } from '../../../main/contract';
import { api, call } from '../api/client';

export interface ServersState {
  servers: ServerInfo[];
  pools: PoolInfo[];
  loaded: boolean;
  error: string | null;
}

class Store<T> {
  private listeners = new Set<() => void>();
  constructor(protected value: T) {}
  getState = (): T => this.value;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  set(next: T): void {
    this.value = next;
    for (const l of [...this.listeners]) l();
  }
}

export class ServersStore extends Store<ServersState> {
  private started = false;
  constructor() {
    super({ servers: [], pools: [], loaded: false, error: null });
  }

  /** Loads once and follows servers.changed from then on. */
  start(): void {
    if (this.started) return;
    this.started = true;
    api.subscribe((m: EventMessage) => {
      if (m.event === 'servers.changed') {
        const p = m.payload as { servers: ServerInfo[]; pools: PoolInfo[] };
        this.set({ servers: p.servers, pools: p.pools, loaded: true, error: null });
      }
    });
    void this.reload();
  }

  async reload(): Promise<void> {
    try {
      const r = await call('servers.list', {});
      this.set({ servers: r.servers, pools: r.pools, loaded: true, error: null });
    } catch (e) {
      this.set({ ...this.value, loaded: true, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

export const serversStore = new ServersStore();
export const targetStore = new Store<JobTarget>(LOCAL_TARGET);

/** The kind of servers a target runs on; null when it names a server or pool that is gone. */
export function targetKind(target: JobTarget, s: Pick<ServersState, 'servers' | 'pools'>): ServerKind | 'local' | null {
  if (target.type === 'local') return 'local';
  if (target.type === 'server') return s.servers.find((x) => x.id === target.id)?.kind ?? null;
  return s.pools.find((p) => p.name.toLowerCase() === target.name.toLowerCase())?.kind ?? null;
}

/** A target as one value for a select ("local", "server:<id>", "pool:<name>") and back. */
export function targetValue(t: JobTarget): string {
  return t.type === 'local' ? 'local' : t.type === 'server' ? `server:${t.id}` : `pool:${t.name}`;
}

export function targetFromValue(v: string): JobTarget {
  if (v.startsWith('server:')) return { type: 'server', id: v.slice(7) };
  if (v.startsWith('pool:')) return { type: 'pool', name: v.slice(5) };
  return LOCAL_TARGET;
}

/** The words a target is shown by. */
export function targetName(t: JobTarget, s: Pick<ServersState, 'servers' | 'pools'>): string {
  if (t.type === 'local') return 'This computer';
  if (t.type === 'server') return s.servers.find((x) => x.id === t.id)?.name ?? 'a removed server';
  return `Pool ${t.name}`;
}
