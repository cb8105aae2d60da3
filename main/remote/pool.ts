/**
 * Several servers of one kind behind one name: a pool's jobs go to its servers in turn (round robin),
 * one job per server at a time. A server that fails a job for a reason of its own (down, unreachable,
 * 5xx, stalled) is skipped for a while, and the job moves on to the next one; a failure of the job
 * itself (a refused request, a cancel) ends it there. When every server is cooling down they are
 * tried anyway, soonest-recovered first: a pool never refuses a job only because all failed once.
 */
import { GlimmerError } from '../contract';
import { RemoteError } from './errors';

/** Which servers failed recently, and why. */
export class ServerHealth {
  private readonly failing = new Map<string, { until: number; error: string }>();

  constructor(private readonly cooldownMs = 60_000) {}

  markFailed(id: string, error: string, now = Date.now()): void {
    this.failing.set(id, { until: now + this.cooldownMs, error: error.slice(0, 500) });
  }

  markOk(id: string): void {
    this.failing.delete(id);
  }

  /** Until when it is skipped (ms since epoch), or null when it is usable. */
  failingUntil(id: string, now = Date.now()): number | null {
    const f = this.failing.get(id);
    return f && f.until > now ? f.until : null;
  }

  lastError(id: string): string | null {
    return this.failing.get(id)?.error ?? null;
  }

  forget(id: string): void {
    this.failing.delete(id);
  }
}

/** Whether a failure says the server (not the job) is at fault: the pool tries another one. */
export function isServerFault(err: unknown): boolean {
  return err instanceof RemoteError && err.serverFault;
}

export interface PoolMember {
  id: string;
  name: string;
}

export class PoolRotation {
  private readonly cursors = new Map<string, number>();

  /**
   * The pool's servers in the order to try them for the next job: from the one after the last
   * picked, healthy and idle first, then the cooling-down ones (soonest back first); busy ones last.
   */
  order<M extends PoolMember>(pool: string, members: M[], health: ServerHealth, busy: ReadonlySet<string>, now = Date.now()): M[] {
    if (members.length === 0) return [];
    const start = (this.cursors.get(pool) ?? -1) + 1;
    const turned = members.map((_, i) => members[(start + i) % members.length]!);
    const idle = turned.filter((m) => !busy.has(m.id));
    const healthy = idle.filter((m) => health.failingUntil(m.id, now) === null);
    const cooling = idle.filter((m) => health.failingUntil(m.id, now) !== null).sort((a, b) => health.failingUntil(a.id, now)! - health.failingUntil(b.id, now)!);
    return [...healthy, ...cooling, ...turned.filter((m) => busy.has(m.id))];
  }

  /** Remembers that `member` took a job (the next job starts after it). */
  picked(pool: string, members: PoolMember[], member: PoolMember): void {
    const i = members.findIndex((m) => m.id === member.id);
    if (i >= 0) this.cursors.set(pool, i);
  }
}

/**
 * Runs `attempt` on the pool's servers in turn until one succeeds, skipping (and marking) servers
 * that fail for reasons of their own. `attempt` gets the member; the last server fault is rethrown,
 * naming the pool, when every server failed.
 */
export async function runOnPool<M extends PoolMember, T>(
  pool: string,
  ordered: M[],
  health: ServerHealth,
  attempt: (member: M) => Promise<T>,
  onSkip?: (member: M, err: RemoteError) => void,
): Promise<T> {
  if (ordered.length === 0) throw new GlimmerError('not_found', `The pool "${pool}" has no servers. Add one to it in Settings → Servers.`);
  let last: RemoteError | null = null;
  for (const member of ordered) {
    try {
      const out = await attempt(member);
      health.markOk(member.id);
      return out;
    } catch (err) {
      if (!isServerFault(err)) throw err;
      last = err as RemoteError;
      health.markFailed(member.id, last.message);
      onSkip?.(member, last);
    }
  }
  throw new RemoteError(last!.reason, ordered.length > 1 ? `Every server of the pool "${pool}" failed; the last: ${last!.message}` : last!.message, {
    code: last!.code,
    ...(last!.status !== undefined ? { status: last!.status } : {}),
  });
}
