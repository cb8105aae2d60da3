/**
 * The workspace (contract Workspace): the generate and canvas drafts and the prompt presets, kept as
 * workspace.json beside settings.json, written atomically; a missing or damaged file means an empty
 * workspace (a damaged one is kept aside as .bad). Its own file so settings reads stay small.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

  update(patch: Partial<Workspace>): Workspace {
    const next = Workspace.parse({ ...this.value, ...patch });
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(next));
    renameSync(tmp, this.file);
    this.value = next;
    return this.get();
  }
}
