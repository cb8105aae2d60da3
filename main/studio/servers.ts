/**
 * The servers a job can run on (Settings → Servers), kept in servers.json in the data folder: name,
 * URL, kind, pool and key, with the ETA history of each and this studio's client id (how Glimmer
 * servers tell it from their other clients). The file is written atomically, readable by its owner
 * only (it holds keys); a damaged one is kept aside as .bad. Keys never leave this module except to
 * the engines: what the API returns says whether a key is set, and log lines never carry one.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readJsonFile } from './json-file';
import { z } from 'zod';
import { writeJsonAtomic } from '../../native-models/atomic-write';
import { GlimmerError, type PoolInfo, ServerCa, ServerId, ServerKey, ServerKind, ServerName, ServerUrl } from '../contract';
import type { ServerConfig } from '../remote';

export const SERVERS_FILE = 'servers.json';

const StoredServer = z.object({
  id: ServerId,
  name: ServerName,
  url: ServerUrl,
  kind: ServerKind,
  key: ServerKey.optional(),
  pool: ServerName.nullable().optional(),
  ca: ServerCa.optional(),
});

const StoredFile = z.object({
  version: z.literal(1),
  clientId: z.string().regex(/^studio-[a-f0-9]{16}$/),
  servers: z.array(StoredServer).max(200),
  eta: z.record(z.string(), z.array(z.number())).default({}),
  jobsDone: z.record(z.string(), z.number().int().min(0)).default({}),
});
type StoredFile = z.infer<typeof StoredFile>;

export interface NewServer {
  name: string;
  url: string;
  kind: ServerConfig['kind'];
  key?: string | undefined;
  pool?: string | null | undefined;
  ca?: string | undefined;
}

export interface ServerPatch {
  name?: string | undefined;
  url?: string | undefined;
  kind?: ServerConfig['kind'] | undefined;
  pool?: string | null | undefined;
  key?: string | null | undefined;
  ca?: string | null | undefined;
}

function freshFile(): StoredFile {
  return { version: 1, clientId: `studio-${randomBytes(8).toString('hex')}`, servers: [], eta: {}, jobsDone: {} };
}

export class ServerStore {
  readonly file: string;
  private data: StoredFile;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, private readonly log: (m: string) => void = () => undefined) {
    this.file = path.join(dataDir, SERVERS_FILE);
    this.data = this.read();
  }

  private read(): StoredFile {
    return readJsonFile(this.file, StoredFile, freshFile, this.log, 'starting with no servers');
  }


  /** Writes are queued, so two quick changes land in order. */
  private save(): Promise<void> {
    const snapshot = JSON.parse(JSON.stringify(this.data)) as StoredFile;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await writeJsonAtomic(this.file, snapshot, { mode: 0o600 });
      });
    return this.writing;
  }

  get clientId(): string {
    return this.data.clientId;
  }

  list(): ServerConfig[] {
    return this.data.servers.map((s) => ({ ...s }));
  }

  get(id: string): ServerConfig {
    const s = this.data.servers.find((x) => x.id === id);
    if (!s) throw new GlimmerError('not_found', `There is no server ${id}; it may have been removed. Choose another target.`);
    return { ...s };
  }

  find(id: string): ServerConfig | undefined {
    const s = this.data.servers.find((x) => x.id === id);
    return s ? { ...s } : undefined;
  }

  byName(name: string): ServerConfig | undefined {
    const s = this.data.servers.find((x) => x.name.toLowerCase() === name.trim().toLowerCase());
    return s ? { ...s } : undefined;
  }

  /** The servers of a pool, in the order they were added. */
  pool(name: string): ServerConfig[] {
    return this.data.servers.filter((s) => s.pool?.toLowerCase() === name.toLowerCase()).map((s) => ({ ...s }));
  }

  pools(): PoolInfo[] {
    const out = new Map<string, PoolInfo>();
    for (const s of this.data.servers) {
      if (!s.pool) continue;
      const key = s.pool.toLowerCase();
      const p = out.get(key) ?? { name: s.pool, kind: s.kind, servers: [] };
      p.servers.push(s.id);
      out.set(key, p);
    }
    return [...out.values()];
  }

  private check(next: ServerConfig, others: ServerConfig[]): void {
    if (others.some((s) => s.name.toLowerCase() === next.name.toLowerCase())) {
      throw new GlimmerError('conflict', `There is already a server named "${next.name}". Choose another name.`);
    }
    if (next.pool) {
      const mate = others.find((s) => s.pool?.toLowerCase() === next.pool!.toLowerCase());
      if (mate && mate.kind !== next.kind) {
        throw new GlimmerError('conflict', `The pool "${next.pool}" holds ${mate.kind === 'openai' ? 'OpenAI-style' : 'Glimmer'} servers; a pool's servers are all of one kind.`);
      }
    }
  }

  async add(s: NewServer): Promise<ServerConfig> {
    const next: ServerConfig = {
      id: `srv-${randomBytes(6).toString('hex')}`,
      name: s.name.trim(),
      url: s.url.trim(),
      kind: s.kind,
      ...(s.key ? { key: s.key } : {}),
      ...(s.ca ? { ca: s.ca } : {}),
      pool: s.pool ? s.pool.trim() : null,
    };
    StoredServer.parse(next);
    this.check(next, this.data.servers);
    this.data.servers.push(next as z.infer<typeof StoredServer>);
    await this.save();
    this.log(`[servers] added "${next.name}" (${next.kind}, ${next.url}${next.key ? ', with a key' : ''})`);
    return { ...next };
  }

  async update(id: string, patch: ServerPatch): Promise<ServerConfig> {
    const current = this.get(id);
    const next: ServerConfig = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.url !== undefined ? { url: patch.url.trim() } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.pool !== undefined ? { pool: patch.pool ? patch.pool.trim() : null } : {}),
    };
    if (patch.key === null) delete next.key;
    else if (patch.key !== undefined) next.key = patch.key;
    if (patch.ca === null) delete next.ca;
    else if (patch.ca !== undefined) next.ca = patch.ca;
    StoredServer.parse(next);
    this.check(next, this.data.servers.filter((s) => s.id !== id));
    this.data.servers = this.data.servers.map((s) => (s.id === id ? (next as z.infer<typeof StoredServer>) : s));
    if (current.url !== next.url || current.kind !== next.kind) delete this.data.eta[id];
    await this.save();
    this.log(`[servers] updated "${next.name}"${patch.key !== undefined ? (patch.key === null ? ' (key removed)' : ' (key changed)') : ''}`);
    return { ...next };
  }

  async remove(id: string): Promise<void> {
    const s = this.get(id);
    this.data.servers = this.data.servers.filter((x) => x.id !== id);
    delete this.data.eta[id];
    delete this.data.jobsDone[id];
    await this.save();
    this.log(`[servers] removed "${s.name}"`);
  }

  /** The ETA history of every server (ms per megapixel-step). */
  etaHistory(): Record<string, number[]> {
    return JSON.parse(JSON.stringify(this.data.eta)) as Record<string, number[]>;
  }

  jobsDone(id: string): number {
    return this.data.jobsDone[id] ?? 0;
  }

  /** After a job finished on a server: its count and the ETA history as it now is. */
  async recordJob(id: string, eta: Record<string, number[]>): Promise<void> {
    if (!this.find(id)) return;
    this.data.jobsDone[id] = (this.data.jobsDone[id] ?? 0) + 1;
    if (eta[id]) this.data.eta[id] = eta[id]!;
    await this.save().catch((err: unknown) => this.log(`[servers] could not save ${this.file}: ${(err as Error).message}`));
  }
}
