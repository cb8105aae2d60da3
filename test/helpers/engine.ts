/**
 * The tiny fixture checkpoint compiled once per test process (native-models/compile, fp32) into a
 * temp folder removed at exit, and an Engine over it with test settings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileModel } from '../../native-models/compile';
import { EngineHost, type EngineHostOptions } from '../../main/engine/host';
import { Engine, type EngineOptions, type EngineSettings } from '../../main/engine/pipeline';
import { checkpointDir } from './fixtures';

let compiled: Promise<string> | null = null;
let tmpRoot: string | null = null;

export function tempRoot(): string {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'glimmer-engine-'));
    const root = tmpRoot;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return tmpRoot;
}

export function compiledTinyModel(): Promise<string> {
  if (!compiled) {
    const out = path.join(tempRoot(), 'model');
    compiled = compileModel(checkpointDir(), out, { precision: 'fp32' }).then(() => out);
  }
  return compiled;
}

export function testEngine(modelDir: string, settings: Partial<EngineSettings> = {}, extra: Partial<EngineOptions> = {}): Engine {
  const s: EngineSettings = { modelDir, provider: 'cpu', memoryProfile: 'resident', precision: 'fp32', ...settings };
  return new Engine({ app: 'Glimmer Studio test', settings: () => s, compileCacheDir: path.join(tempRoot(), 'cache'), ...extra });
}

/** The engine in its worker thread (as the studio and the CLI run it) over the same test settings. */
export function testEngineHost(modelDir: string, settings: Partial<EngineSettings> = {}, extra: Partial<EngineHostOptions> = {}): EngineHost {
  const s: EngineSettings = { modelDir, provider: 'cpu', memoryProfile: 'resident', precision: 'fp32', ...settings };
  return new EngineHost({ app: 'Glimmer Studio test', settings: () => s, compileCacheDir: path.join(tempRoot(), 'cache'), ...extra });
}
