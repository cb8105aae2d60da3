/**
 * compileModel: a GLM-Image checkpoint folder (HF layout) → a compiled model folder the engine loads:
 *
 *   <out>/assets/   processor/ (tokenizer, chat template, image processor), scheduler/, vae/config.json,
 *                   generation_config.json (the AR's sampling defaults)
 *   <out>/ar/       ar.onnx + data + ar.json             (vision_language_encoder: text decoder)
 *   <out>/vision/   vision.onnx + data                   (vision_language_encoder: ViT + VQ)
 *   <out>/glyph/    glyph.onnx + data + glyph.json       (text_encoder + tokenizer)
 *   <out>/dit/      dit-<precision>.onnx + data + .json  (transformer)
 *   <out>/vae/      vae_decoder.onnx, vae_encoder.onnx   (vae, always fp32)
 *   <out>/manifest.json                                  written LAST (manifest.ts)
 *
 * Progress: per module (start, skipped, done) and, while one builds, per checkpoint tensor read.
 * Each module is built into <name>.partial/ and renamed when complete, with a .module.json record
 * (precision, checkpoint fingerprint, files + sha256). A second run skips modules whose record
 * matches (resume after a crash or Ctrl-C), so only what is missing is built again. The output
 * folder must be new, empty or one of ours, and only module folders we wrote are replaced
 * (output-folder.ts).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from './errors';
import { AR_GRAPH_VERSION, buildAr } from './ar';
import { buildDit } from './dit';
import { buildGlyph } from './glyph';
import { MANIFEST_FORMAT, MANIFEST_VERSION, manifestId, sha256File, writeManifest, type ManifestFile, type ManifestModule, type ModelManifest } from './manifest';
import { parseComputePrecision, type ComputePrecision } from './onnx';
import { checkPresetCompute, choiceKey, moduleChoice, MODULES, PRECISION_PRESETS, type CompilePrecision, type ModuleChoice, type ModuleName } from './presets';
import { readModelShapes, readModuleParams } from './model-shapes';
import { checkReplaceable, claimOutputFolder, MODULE_RECORD } from './output-folder';
import { SafetensorsCheckpoint } from './safetensors';
import { buildVae } from './vae';
import { buildVision } from './vision';

export {
  COMPILE_PRECISIONS,
  PRECISION_PRESETS,
  MODULES,
  parseCompilePrecision,
  type CompilePrecision,
  type PrecisionPreset,
  type ModuleName,
} from './presets';

export interface CompileProgress {
  module: ModuleName;
  /** 1-based module number and the count. */
  index: number;
  total: number;
  state: 'start' | 'skipped' | 'done';
  /** Bytes written by the module (done/skipped). */
  bytes?: number;
  ms?: number;
  /** While a module builds (state 'start'): its checkpoint tensors read so far, by count and bytes. */
  tensors?: TensorProgress;
}

/** A module's checkpoint tensors read so far: count, bytes, the layer (tensor group) being read, and the module's ETA. */
export interface TensorProgress {
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
  /** The last tensor read ('' at the end). */
  last: string;
  /** Its layer or tensor group ("layers.12", "transformer_blocks.3", "embed_tokens"). */
  group: string;
  /** Seconds left for this module at the bytes-per-second so far; null until there is a rate. */
  etaSeconds: number | null;
}

/**
 * The layer or group a tensor belongs to: up to its first index ("model.layers.12.mlp.up.weight" →
 * "layers.12"), or without one its owner ("model.embed_tokens.weight" → "embed_tokens").
 */
export function tensorGroup(name: string): string {
  const parts = name.split('.');
  const at = parts.findIndex((p, i) => i > 0 && /^\d+$/.test(p));
  if (at > 0) return `${parts[at - 1]}.${parts[at]}`;
  const owner = parts.length > 1 ? parts.slice(0, -1) : parts;
  return owner[owner.length - 1] ?? name;
}

export interface CompileOptions {
  precision?: CompilePrecision;
  /** Compute precision (presets.ts): fp32 (CPU graphs, default) or fp16 (GPU graphs). */
  compute?: ComputePrecision;
  /** Rebuild every module even when a matching one is present. */
  force?: boolean;
  /** Human name recorded in the manifest (default: the checkpoint folder's name). */
  name?: string;
  app?: string;
  onProgress?: (p: CompileProgress) => void;
  signal?: AbortSignal;
}

interface ModuleRecord {
  module: ModuleName;
  precision: string;
  fingerprint: string;
  /** Interface version of the module's graph (absent: 1); a module built at another version is built again. */
  graph?: number;
  files: ManifestFile[];
}

/**
 * Graph versions that changed since the first: a module built at another version is built again.
 * ar 2: fused ops and GroupQueryAttention (the runtime refuses older AR graphs). glyph 2: int32
 * attention mask; vision 2: position table sampled by gathers; dit 2: rotary positions made on the
 * device (no CPU nodes under WebGPU; the runtimes still take the older forms).
 */
const GRAPH_VERSIONS: Partial<Record<ModuleName, number>> = { ar: AR_GRAPH_VERSION, glyph: 2, vision: 2, dit: 2 };

function component(checkpointDir: string, name: string): string {
  const dir = path.join(checkpointDir, name);
  if (!existsSync(dir)) {
    throw new NativeModelError(
      'model_missing',
      `${dir} is missing: ${checkpointDir} is not a complete GLM-Image checkpoint (it needs processor/, scheduler/, vision_language_encoder/, text_encoder/, tokenizer/, transformer/ and vae/). Download it again.`,
      { file: dir },
    );
  }
  return dir;
}

/**
 * The folder name a checkpoint compiled at a precision gets (under <models>/compiled/): its folder
 * name, its fingerprint and the precision. The engine (compiling a chosen checkpoint on the fly) and
 * the model manager (compiling on request) use the same name, so either finds the other's work.
 */
export function compiledFolderName(checkpointDir: string, precision: string, compute: ComputePrecision = 'fp32'): string {
  return `${path.basename(path.resolve(checkpointDir))}-${checkpointFingerprint(checkpointDir).slice(0, 12)}-${precision}${compute === 'fp16' ? '-fp16compute' : ''}`;
}

/** Cheap identity of a checkpoint: names, sizes and mtimes of every file (not the contents). */
export function checkpointFingerprint(checkpointDir: string): string {
  const h = createHash('sha256');
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full, `${rel}${name}/`);
      else h.update(`${rel}${name}:${st.size}:${Math.floor(st.mtimeMs)}\n`);
    }
  };
  walk(checkpointDir, '');
  return h.digest('hex').slice(0, 24);
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (name === MODULE_RECORD) continue;
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

function readRecord(moduleDir: string): ModuleRecord | null {
  try {
    return JSON.parse(readFileSync(path.join(moduleDir, MODULE_RECORD), 'utf8')) as ModuleRecord;
  } catch {
    return null;
  }
}

function recordMatches(moduleDir: string, rec: ModuleRecord | null, module: ModuleName, precision: string, fingerprint: string): rec is ModuleRecord {
  if (!rec || rec.module !== module || rec.precision !== precision || rec.fingerprint !== fingerprint) return false;
  if ((rec.graph ?? 1) !== (GRAPH_VERSIONS[module] ?? 1)) return false;
  return rec.files.every((f) => {
    const file = path.join(moduleDir, f.path);
    return existsSync(file) && statSync(file).size === f.bytes;
  });
}

/** The checkpoint folder and the tensors (name filter) a module's builder reads. */
function moduleSource(module: ModuleName, checkpointDir: string): { dir: string; wanted: (name: string) => boolean } | null {
  const visionPart = (n: string) => /^(model\.)?(visual|vqmodel)\./.test(n);
  switch (module) {
    case 'ar':
      return { dir: path.join(checkpointDir, 'vision_language_encoder'), wanted: (n) => !visionPart(n) };
    case 'vision': // the VQ's decoder side (post_quant_conv) is not part of the tokenizer
      return { dir: path.join(checkpointDir, 'vision_language_encoder'), wanted: (n) => visionPart(n) && !/vqmodel\.post_quant_conv\./.test(n) };
    case 'glyph':
      return { dir: path.join(checkpointDir, 'text_encoder'), wanted: () => true };
    case 'dit':
      return { dir: path.join(checkpointDir, 'transformer'), wanted: () => true };
    case 'vae':
      return { dir: path.join(checkpointDir, 'vae'), wanted: () => true };
    default:
      return null;
  }
}

/**
 * Reports, while `build` runs, the module's checkpoint tensors as the builder reads them (each
 * counted once, by count and bytes) with the layer being read and an ETA: at each new layer, and
 * otherwise at most every `everyMs`.
 */
async function withTensorProgress(
  module: ModuleName,
  checkpointDir: string,
  report: ((t: TensorProgress) => void) | undefined,
  build: () => Promise<void>,
  everyMs = 200,
): Promise<void> {
  const src = report ? moduleSource(module, checkpointDir) : null;
  if (!src || !report) return build();
  const ckpt = await SafetensorsCheckpoint.open(src.dir);
  const sizes = new Map<string, number>();
  try {
    for (const n of ckpt.names()) if (src.wanted(n)) sizes.set(n, ckpt.entry(n).end - ckpt.entry(n).begin);
  } finally {
    await ckpt.close();
  }
  const prefix = path.resolve(src.dir) + path.sep;
  const bytesTotal = [...sizes.values()].reduce((a, b) => a + b, 0);
  const seen = new Set<string>();
  let bytesDone = 0;
  let last = 0;
  let lastGroup = '';
  const t0 = Date.now();
  const eta = (now: number): number | null => {
    const elapsed = (now - t0) / 1000;
    return bytesDone > 0 && elapsed > 0.5 ? Math.max(0, (elapsed * (bytesTotal - bytesDone)) / bytesDone) : null;
  };
  const stop = SafetensorsCheckpoint.onTensorRead((e) => {
    if (!path.resolve(e.file).startsWith(prefix) || !sizes.has(e.name) || seen.has(e.name)) return;
    seen.add(e.name);
    bytesDone += sizes.get(e.name)!;
    const now = Date.now();
    const group = tensorGroup(e.name);
    if (group !== lastGroup || now - last >= everyMs || seen.size === sizes.size) {
      last = now;
      lastGroup = group;
      report({ done: seen.size, total: sizes.size, bytesDone, bytesTotal, last: e.name, group, etaSeconds: eta(now) });
    }
  });
  try {
    await build();
  } finally {
    stop();
  }
  report({ done: seen.size, total: sizes.size, bytesDone, bytesTotal, last: '', group: lastGroup, etaSeconds: 0 });
}

async function buildModule(module: ModuleName, checkpointDir: string, dir: string, choice: ModuleChoice): Promise<void> {
  switch (module) {
    case 'assets': {
      const processor = component(checkpointDir, 'processor');
      const scheduler = component(checkpointDir, 'scheduler');
      cpSync(processor, path.join(dir, 'processor'), { recursive: true });
      cpSync(scheduler, path.join(dir, 'scheduler'), { recursive: true });
      await mkdir(path.join(dir, 'vae'), { recursive: true });
      cpSync(path.join(component(checkpointDir, 'vae'), 'config.json'), path.join(dir, 'vae', 'config.json'));
      cpSync(path.join(component(checkpointDir, 'transformer'), 'config.json'), path.join(dir, 'transformer-config.json'));
      const index = path.join(checkpointDir, 'model_index.json');
      if (existsSync(index)) cpSync(index, path.join(dir, 'model_index.json'));
      // the AR's sampling defaults (temperature, top-p) travel with the model
      const generation = path.join(component(checkpointDir, 'vision_language_encoder'), 'generation_config.json');
      if (existsSync(generation)) cpSync(generation, path.join(dir, 'generation_config.json'));
      return;
    }
    case 'ar':
      await buildAr(component(checkpointDir, 'vision_language_encoder'), dir, { precision: choice.weights, compute: choice.compute });
      return;
    case 'vision':
      await buildVision(component(checkpointDir, 'vision_language_encoder'), dir, { precision: choice.weights, compute: choice.compute });
      return;
    case 'glyph':
      await buildGlyph(component(checkpointDir, 'text_encoder'), dir, {
        precision: choice.weights,
        tokenizerDir: path.join(checkpointDir, 'tokenizer'),
      });
      return;
    case 'dit':
      await buildDit(component(checkpointDir, 'transformer'), dir, {
        precision: choice.weights,
        ...(choice.ffWeights ? { ffPrecision: choice.ffWeights } : {}),
        compute: choice.compute,
        ...(choice.accuracyLevel !== undefined ? { accuracyLevel: choice.accuracyLevel } : {}),
      });
      return;
    case 'vae':
      await buildVae(component(checkpointDir, 'vae'), dir);
      return;
  }
}

/** Compile a checkpoint folder into outDir; returns the manifest (also written to outDir/manifest.json). */
export async function compileModel(checkpointDir: string, outDir: string, opts: CompileOptions = {}): Promise<ModelManifest> {
  const precision = opts.precision ?? 'fp32';
  const preset = PRECISION_PRESETS[precision];
  if (!preset) throw new NativeModelError('bad_request', `Unknown precision "${precision}".`);
  let compute: ComputePrecision;
  try {
    compute = parseComputePrecision(opts.compute);
  } catch (e) {
    throw new NativeModelError('bad_request', `${(e as Error).message}.`);
  }
  checkPresetCompute(precision, compute);
  if (!existsSync(checkpointDir) || !statSync(checkpointDir).isDirectory()) {
    throw new NativeModelError('model_missing', `The checkpoint folder ${checkpointDir} does not exist.`, { file: checkpointDir });
  }
  for (const c of ['processor', 'scheduler', 'vision_language_encoder', 'text_encoder', 'transformer', 'vae']) component(checkpointDir, c);
  await claimOutputFolder(outDir);
  const fingerprint = checkpointFingerprint(checkpointDir);
  const modules: Record<string, ManifestModule> = {};
  let index = 0;
  for (const module of MODULES) {
    index++;
    if (opts.signal?.aborted) throw new NativeModelError('cancelled', 'Compiling was cancelled; run it again to resume.');
    const dir = path.join(outDir, module);
    checkReplaceable(dir, module);
    const choice = moduleChoice(module, preset, compute);
    const key = choiceKey(choice);
    const entry = (files: ManifestFile[]): ManifestModule => ({
      dir: module,
      precision: choice.weights,
      compute: choice.compute,
      files: files.map((f) => ({ ...f, path: `${module}/${f.path}` })),
    });
    const existing = readRecord(dir);
    if (!opts.force && recordMatches(dir, existing, module, key, fingerprint)) {
      modules[module] = entry(existing.files);
      opts.onProgress?.({ module, index, total: MODULES.length, state: 'skipped', bytes: existing.files.reduce((s, f) => s + f.bytes, 0) });
      continue;
    }
    opts.onProgress?.({ module, index, total: MODULES.length, state: 'start' });
    const t0 = Date.now();
    const partial = path.join(outDir, `${module}.partial`);
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    try {
      const onTensors = opts.onProgress
        ? (tensors: TensorProgress) => opts.onProgress?.({ module, index, total: MODULES.length, state: 'start', tensors })
        : undefined;
      await withTensorProgress(module, checkpointDir, onTensors, () => buildModule(module, checkpointDir, partial, choice));
      const files: ManifestFile[] = [];
      for (const rel of listFiles(partial)) {
        const full = path.join(partial, rel);
        files.push({ path: rel, bytes: statSync(full).size, sha256: await sha256File(full) });
      }
      const record: ModuleRecord = { module, precision: key, fingerprint, ...(GRAPH_VERSIONS[module] ? { graph: GRAPH_VERSIONS[module] } : {}), files };
      await writeFile(path.join(partial, MODULE_RECORD), JSON.stringify(record, null, 1));
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
      modules[module] = entry(files);
      opts.onProgress?.({ module, index, total: MODULES.length, state: 'done', bytes: files.reduce((s, f) => s + f.bytes, 0), ms: Date.now() - t0 });
    } catch (e) {
      await rm(partial, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
  }
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    id: manifestId(modules),
    name: opts.name ?? path.basename(path.resolve(checkpointDir)),
    precision,
    precisionLabel: preset.label,
    compute,
    createdAt: new Date().toISOString(),
    app: opts.app ?? 'Glimmer Studio',
    source: { checkpoint: path.resolve(checkpointDir), fingerprint },
    memory: { shapes: readModelShapes(checkpointDir), params: await readModuleParams(checkpointDir) },
    modules,
  };
  await writeManifest(outDir, manifest);
  return manifest;
}
