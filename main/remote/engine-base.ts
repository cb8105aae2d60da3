/**
 * What every remote engine does around its own work: the key is cut out of whatever it says (a
 * server may echo what it was sent; these words reach logs and the screen).
 */
import type { ServerTest } from '../contract';
import { scrubKey, withoutKey } from './errors';
import type { RemoteEngine, RemoteJob, RemoteRunOptions, ServerConfig } from './types';

export abstract class KeyedEngine implements RemoteEngine {
  constructor(readonly config: ServerConfig) {}

  protected abstract probe(signal?: AbortSignal): Promise<ServerTest>;
  protected abstract runJob(job: RemoteJob, opts: RemoteRunOptions): Promise<number>;

  async test(signal?: AbortSignal): Promise<ServerTest> {
    const t = await this.probe(signal);
    return { ...t, message: scrubKey(t.message, this.config.key) };
  }

  async run(job: RemoteJob, opts: RemoteRunOptions = {}): Promise<number> {
    try {
      return await this.runJob(job, opts);
    } catch (err) {
      throw withoutKey(err, this.config.key);
    }
  }
}
