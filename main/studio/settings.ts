/**
 * The engine's user settings (contract Settings): model folder, execution provider, memory profile,
 * precision, memory tier, theme, language. Kept as JSON in the data folder (settings.json), written atomically; a
 * missing or damaged file means the defaults (a damaged one is kept aside as .bad).
 */
import { existsSync } from 'node:fs';
import { writeJsonAtomic } from '../../native-models/atomic-write';
import path from 'node:path';
import { readJsonFile } from './json-file';
import { Settings, GlimmerError } from '../contract';

export const SETTINGS_FILE = 'settings.json';

export const DEFAULT_SETTINGS: Settings = {
  modelDir: null,
  provider: 'auto',
  memoryProfile: 'sequential',
  precision: 'int4',
  tier: null,
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
    return { ...DEFAULT_SETTINGS, ...readJsonFile(this.file, Settings.partial(), () => ({}), this.log, 'using defaults') };
  }


  get(): Settings {
    return { ...this.value };
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    if (patch.modelDir !== undefined && patch.modelDir !== null && !existsSync(patch.modelDir)) {
      throw new GlimmerError('bad_request', `The model folder ${patch.modelDir} does not exist. Choose an existing folder.`);
    }
    // a key given as undefined (possible over IPC) means "not given"
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const parsed = Settings.safeParse({ ...this.value, ...given });
    if (!parsed.success) throw new GlimmerError('bad_request', `Invalid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const next = parsed.data;
    await writeJsonAtomic(this.file, next);
    this.value = next;
    for (const l of this.listeners) l(this.get());
    return this.get();
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
