/**
 * The engine's user settings (contract Settings): model folder, execution provider, memory profile,
 * precision, theme, language. Kept as JSON in the data folder (settings.json), written atomically (temp file
 * + rename); a missing or damaged file means the defaults (a damaged one is kept aside as .bad).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Settings, GlimmerError } from '../contract';

export const SETTINGS_FILE = 'settings.json';

export const DEFAULT_SETTINGS: Settings = {
  modelDir: null,
  provider: 'auto',
  memoryProfile: 'sequential',
  precision: 'int4',
  theme: 'system',
  language: 'system',
};

export class SettingsStore {
  readonly file: string;
  private value: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(dataDir: string, private readonly log: (m: string) => void = () => undefined) {
    this.file = path.join(dataDir, SETTINGS_FILE);
    this.value = this.read();
  }

  private read(): Settings {
    if (!existsSync(this.file)) return { ...DEFAULT_SETTINGS };
    try {
      const parsed = Settings.partial().safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
      return { ...DEFAULT_SETTINGS, ...parsed.data };
    } catch (err) {
      this.log(`[settings] ${this.file} is damaged (${(err as Error).message}); using defaults and keeping it as ${SETTINGS_FILE}.bad`);
      try {
        renameSync(this.file, `${this.file}.bad`);
      } catch {
        // leave it
      }
      return { ...DEFAULT_SETTINGS };
    }
  }

  get(): Settings {
    return { ...this.value };
  }

  update(patch: Partial<Settings>): Settings {
    if (patch.modelDir !== undefined && patch.modelDir !== null && !existsSync(patch.modelDir)) {
      throw new GlimmerError('bad_request', `The model folder ${patch.modelDir} does not exist. Choose an existing folder.`);
    }
    const next = Settings.parse({ ...this.value, ...patch });
    const tmp = `${this.file}.tmp-${process.pid}`;
    // the CLI may be the first to write here
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(next, null, 1));
    renameSync(tmp, this.file);
    this.value = next;
    for (const l of this.listeners) l(this.get());
    return this.get();
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
