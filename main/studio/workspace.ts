/**
 * The workspace (contract Workspace): the generate and canvas drafts and the prompt presets, kept as
 * workspace.json beside settings.json, written atomically; a missing or damaged file means an empty
 * workspace (a damaged one is kept aside as .bad). Its own file so settings reads stay small.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../../native-models/atomic-write';
import { Workspace } from '../contract';

export const WORKSPACE_FILE = 'workspace.json';
const EMPTY: Workspace = { generate: null, canvas: null, presets: [] };

export class WorkspaceStore {
  readonly file: string;
  private value: Workspace;

  constructor(dataDir: string, private readonly log: (m: string) => void = () => undefined) {
    this.file = path.join(dataDir, WORKSPACE_FILE);
    this.value = this.read();
  }

  private read(): Workspace {
    if (!existsSync(this.file)) return { ...EMPTY };
    try {
      const parsed = Workspace.partial().safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return { ...EMPTY, ...parsed.data };
    } catch (err) {
      this.log(`[workspace] ${this.file} is damaged (${(err as Error).message}); starting empty and keeping it as ${WORKSPACE_FILE}.bad`);
      try {
        renameSync(this.file, `${this.file}.bad`);
      } catch {
        // leave it
      }
      return { ...EMPTY };
    }
  }

  get(): Workspace {
    return structuredClone(this.value);
  }

  /** Writes follow one another in the order the updates came, so the file ends with the last one. */
  private writing: Promise<void> = Promise.resolve();

  async update(patch: Partial<Workspace>): Promise<Workspace> {
    const before = this.value;
    // a part given as undefined (possible over IPC) is a part not given
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const next = Workspace.parse({ ...before, ...given });
    // the next update builds on this one even before it is on disk; a failed write takes it back
    this.value = next;
    const write = this.writing.then(() => writeJsonAtomic(this.file, next));
    this.writing = write.catch(() => undefined);
    try {
      await write;
    } catch (err) {
      if (this.value === next) this.value = before;
      throw err;
    }
    return structuredClone(next);
  }
}
