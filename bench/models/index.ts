/**
 * Benchmark checkpoints: the tiny fixture, or random-weight GLM-Image checkpoints at the `small` and
 * `full` configurations (configs.ts), generated on first use into .cache/bench-models/<scale>/ (or
 * $GLIMMER_BENCH_MODELS/<scale>/) in the published HF layout and reused afterwards. Each part (AR
 * decoder, vision tokenizer, glyph encoder, DiT, VAE) is generated only when a suite asks for it, and
 * regenerated when its configuration changes. The processor, ByT5 tokenizer and scheduler files come
 * from the fixture checkpoint.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectedArWeights, readArConfig } from '../../native-models/ar';
import { loadDitConfig } from '../../native-models/dit';
import { readVaeConfig } from '../../native-models/vae';
import { checkpointDir } from '../../test/helpers/fixtures';
import { benchRepoRoot } from '../paths';
import { arConfigJson, ditConfigJson, t5ConfigJson, vaeConfigJson, type BenchScale } from './configs';
import { shardBySize, writeIndex, writeRandomShards } from './random';
import { ditWeightShapes, paramCount, t5WeightShapes, vaeWeightShapes, visionWeightShapes, type RawT5Config, type RawVisionConfig, type RawVqConfig, type Shapes } from './shapes';

export type { BenchScale } from './configs';
export { ditWeightShapes, vaeWeightShapes, visionWeightShapes, t5WeightShapes, paramCount } from './shapes';
export { uniformHalf } from './random';

export type BenchConfig = 'tiny' | BenchScale;
export type BenchPart = 'ar' | 'vision' | 'glyph' | 'dit' | 'vae';

/** Bump when the generator's output changes, so cached checkpoints are made again. */
const GENERATOR_VERSION = 1;

const FOLDER: Record<BenchPart, string> = {
  ar: 'vision_language_encoder',
  vision: 'vision_language_encoder',
  glyph: 'text_encoder',
  dit: 'transformer',
  vae: 'vae',
};
const INDEX_BASE: Record<string, string> = {
  vision_language_encoder: 'model',
  text_encoder: 'model',
  transformer: 'diffusion_pytorch_model',
  vae: 'diffusion_pytorch_model',
};

export function benchModelsRoot(): string {
  return process.env.GLIMMER_BENCH_MODELS ?? path.join(benchRepoRoot(), '.cache', 'bench-models');
}

function configOf(scale: BenchScale, part: BenchPart): Record<string, unknown> {
  switch (part) {
    case 'ar':
    case 'vision':
      return arConfigJson(scale);
    case 'dit':
      return ditConfigJson(scale);
    case 'vae':
      return vaeConfigJson();
    case 'glyph':
      return t5ConfigJson();
  }
}

function shapesOf(part: BenchPart, dir: string, raw: Record<string, unknown>): Shapes {
  switch (part) {
    case 'ar':
      return [...expectedArWeights(readArConfig(dir))];
    case 'vision':
      return visionWeightShapes(raw.vision_config as RawVisionConfig, raw.vq_config as RawVqConfig);
    case 'dit':
      return ditWeightShapes(loadDitConfig(dir));
    case 'vae':
      return vaeWeightShapes(readVaeConfig(dir));
    case 'glyph':
      return t5WeightShapes(raw as unknown as RawT5Config);
  }
}

interface Stamp {
  version: number;
  part: BenchPart;
  configHash: string;
  params: number;
  bytes: number;
  weightMap: Record<string, string>;
}

const stampFile = (dir: string, part: BenchPart) => path.join(dir, `.bench-${part}.json`);

function readStamp(dir: string, part: BenchPart): Stamp | null {
  try {
    return JSON.parse(readFileSync(stampFile(dir, part), 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

function hashOf(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
}

/** A copy that stays writable (fixture files may be read-only), so the cache can be updated and removed. */
function copyWritable(from: string, to: string): void {
  cpSync(from, to, { recursive: true, force: true });
  const walk = (p: string): void => {
    const st = statSync(p);
    chmodSync(p, st.mode | 0o200);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(path.join(p, n));
  };
  walk(to);
}

/** The files every checkpoint shares with the fixture (tokenizers, processor, scheduler, model_index.json). */
function ensureShared(root: string): void {
  const fixture = checkpointDir();
  for (const name of ['model_index.json', 'processor', 'tokenizer', 'scheduler']) {
    const to = path.join(root, name);
    if (!existsSync(to)) copyWritable(path.join(fixture, name), to);
  }
}

/**
 * The component folder holding `part` at `config` (the fixture's for tiny), generating the part's
 * random weights first when they are missing or were made from another configuration.
 */
export async function benchComponentDir(config: BenchConfig, part: BenchPart, log: (s: string) => void = console.log): Promise<string> {
  if (config === 'tiny') return path.join(checkpointDir(), FOLDER[part]);
  const root = path.join(benchModelsRoot(), config);
  const folder = FOLDER[part];
  const dir = path.join(root, folder);
  mkdirSync(dir, { recursive: true });
  ensureShared(root);
  const raw = configOf(config, part);
  const configHash = hashOf({ raw, GENERATOR_VERSION });
  const current = readStamp(dir, part);
  if (current && current.version === GENERATOR_VERSION && current.configHash === configHash) return dir;

  // config.json is shared by the parts of one folder (AR + vision): a change regenerates both
  const configPath = path.join(dir, 'config.json');
  const previousConfig = existsSync(configPath) ? readFileSync(configPath, 'utf8') : null;
  if (previousConfig !== JSON.stringify(raw, null, 1)) {
    for (const p of Object.keys(FOLDER) as BenchPart[]) {
      if (FOLDER[p] !== folder) continue;
      const s = readStamp(dir, p);
      for (const f of new Set(Object.values(s?.weightMap ?? {}))) rmSync(path.join(dir, f), { force: true });
      rmSync(stampFile(dir, p), { force: true });
    }
    writeFileSync(configPath, JSON.stringify(raw, null, 1));
  } else if (current) {
    for (const f of new Set(Object.values(current.weightMap))) rmSync(path.join(dir, f), { force: true });
  }
  if (part === 'ar' && !existsSync(path.join(dir, 'generation_config.json'))) {
    copyWritable(path.join(checkpointDir(), FOLDER.ar, 'generation_config.json'), path.join(dir, 'generation_config.json'));
  }

  const shapes = shapesOf(part, dir, raw);
  const params = paramCount(shapes);
  log(`bench models: generating ${config} ${part} (${(params / 1e9).toFixed(3)} B parameters, fp16) in ${dir}`);
  const t0 = performance.now();
  // one shard per ~1 GB; the AR decoder and DiT one per layer so no shard holds a whole model
  const stem = part === 'vision' ? 'vision' : part === 'ar' ? 'language' : 'weights';
  const { bytes, weightMap } = await writeRandomShards(dir, shardBySize(stem, shapes), part === 'vision' ? 1_000_003 : 1);
  const stamp: Stamp = { version: GENERATOR_VERSION, part, configHash, params, bytes, weightMap };
  writeFileSync(stampFile(dir, part), JSON.stringify(stamp));
  // the folder's index covers every part present
  const merged: Record<string, string> = {};
  for (const p of Object.keys(FOLDER) as BenchPart[]) if (FOLDER[p] === folder) Object.assign(merged, readStamp(dir, p)?.weightMap ?? {});
  writeIndex(dir, INDEX_BASE[folder], merged);
  log(`bench models: ${config} ${part} written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(bytes / 1e9).toFixed(2)} GB)`);
  return dir;
}

/** A whole checkpoint (every part) at `config`: the fixture for tiny, else generated/cached. */
export async function benchCheckpoint(config: BenchConfig, log: (s: string) => void = console.log): Promise<string> {
  if (config === 'tiny') return checkpointDir();
  for (const part of ['ar', 'vision', 'glyph', 'dit', 'vae'] as BenchPart[]) await benchComponentDir(config, part, log);
  return path.join(benchModelsRoot(), config);
}
