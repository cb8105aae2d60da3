/**
 * Graph capture on WebGPU with the AR decode graph (issue 14): does onnxruntime-node 1.30 replay a
 * captured decode step of our graph, and does it give the uncaptured run's logits?
 *
 *   node --import tsx bench/graph-capture.ts [--prompt 8] [--tokens 24] [--max 64]
 *   (WebGPU without a GPU: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json XDG_RUNTIME_DIR=/tmp)
 *
 * Builds the tiny fixture's AR (fp32) and feeds it one prompt and the same decode tokens in each
 * variant below, each in a child process of its own (a variant that aborts the process is reported,
 * not fatal). It prints what happened in each (the error text, or the logits' largest difference
 * from the reference and the time per decode token) and writes
 * bench/results/graph-capture-<host>-<date>.json (the figures and, in each note, the outcome).
 *
 *   reference       the app's path (ArModel, WebGPU): the cache grows by one token per run, its
 *                   present tensors stay on the device and are fed back as the next past
 *   fixed-kv        a fixed-size cache: past_key/past_value [1, kv_heads, max, head_dim] with the
 *                   real length in seqlens_k; the presents (new device buffers each run) fed back
 *   fixed-kv-shared the same, each present pre-bound to the past's own device tensor (run()'s fetches),
 *                   so GroupQueryAttention could write in place (past_present_share_buffer), as capture
 *                   needs; the past tensors are kept and fed again
 *   fixed-kv-shared-follow  the same pre-bound fetches, but the tensors run() returns fed back (shows
 *                   where the presents really went)
 *   capture         fixed-kv-shared in a decode session made with enableGraphCapture: true and the
 *                   WebGPU provider's config key ep.webgpuexecutionprovider.enableGraphCapture = 1 in
 *                   `extra` (the prompt runs in an uncaptured session; the decode session gets its cache)
 *   capture-ep-option  the same with enableGraphCapture as a WebGPU provider option instead
 *   capture-growing the app's growing cache in a session with capture asked for as in `capture`:
 *                   GroupQueryAttention refuses a non-empty cache without a shared buffer when capture
 *                   is on, so a run that works says capture was not on
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ArModel } from '../main/engine/ar';
import { Positions3D } from '../main/engine/processor';
import { onnxruntimeVersion, ort, ortSessionOptions } from '../main/engine/session';
import { buildAr } from '../native-models/ar';
import { checkpointDir } from '../test/helpers/fixtures';
import { figure, machineInfo, printTable, writeResults, type Figure } from './harness';

const VARIANTS = ['reference', 'fixed-kv', 'fixed-kv-shared', 'fixed-kv-shared-follow', 'capture', 'capture-ep-option', 'capture-growing'] as const;
type Variant = (typeof VARIANTS)[number];

interface Plan {
  dir: string;
  prompt: number;
  tokens: number;
  max: number;
}

interface Outcome {
  variant: Variant;
  ok: boolean;
  /** What happened, in words (the error text where it failed). */
  said: string;
  /** Logits of the prompt's last position, then of each decode token. */
  logits?: number[][];
  /** Milliseconds per decode token (run() and the logits back on the host). */
  decodeMs?: number[];
  /** Shape of present_key.0 after the first decode run. */
  presentDims?: number[];
}

type Meta = { numLayers: number; numKvHeads: number; headDim: number; visionVocabSize: number };

const promptIds = (n: number) => Array.from({ length: n }, (_, i) => 16512 + ((i * 37) % 400));
const decodeId = (k: number) => (k * 11) % 128;

function feedsFor(ids: number[], first: number, seqlensK: number, total: number): Record<string, ort.Tensor> {
  const S = ids.length;
  const pos = new Positions3D(
    ids.map((_, i) => first + i),
    ids.map((_, i) => first + i),
    ids.map((_, i) => first + i),
  );
  return {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, S]),
    position_ids: new ort.Tensor('int32', pos.toInt32(), [3, 1, S]),
    seqlens_k: new ort.Tensor('int32', Int32Array.of(seqlensK), [1]),
    total_sequence_length: new ort.Tensor('int32', Int32Array.of(total), []),
  };
}

const lastRow = (t: ort.Tensor, V: number): number[] => {
  const d = t.data as Float32Array;
  return Array.from(d.subarray(d.length - V));
};

async function runReference(plan: Plan, manifest: string): Promise<Outcome> {
  const model = await ArModel.load(manifest, { provider: 'webgpu' });
  try {
    const ids = promptIds(plan.prompt);
    const at = (from: number, n: number) => new Positions3D(Array.from({ length: n }, (_, i) => from + i), Array.from({ length: n }, (_, i) => from + i), Array.from({ length: n }, (_, i) => from + i));
    const logits = [Array.from(await model.forward(ids, at(0, ids.length)))];
    const decodeMs: number[] = [];
    for (let k = 0; k < plan.tokens; k++) {
      const t0 = performance.now();
      const l = await model.forward([decodeId(k)], at(plan.prompt + k, 1));
      decodeMs.push(performance.now() - t0);
      logits.push(Array.from(l));
    }
    return { variant: 'reference', ok: true, said: 'the cache grows on the device (ArModel)', logits, decodeMs };
  } finally {
    await model.release();
  }
}

/** The fixed-size cache variants: the prompt in `prefill`, the decode tokens in `decode` (may be the same session). */
async function runFixed(plan: Plan, modelFile: string, meta: Meta, variant: Variant): Promise<Outcome> {
  const { numLayers, numKvHeads, headDim, visionVocabSize: V } = meta;
  const names = Array.from({ length: numLayers }, (_, l) => [`present_key.${l}`, `present_value.${l}`]).flat();
  const base = ortSessionOptions({ provider: 'webgpu', deviceOutputs: names });
  const capture = variant.startsWith('capture');
  const captureOptions: ort.InferenceSession.SessionOptions =
    variant === 'capture-ep-option'
      ? { ...base, executionProviders: [{ name: 'webgpu', enableGraphCapture: '1' } as ort.InferenceSession.ExecutionProviderConfig, 'cpu'] }
      : capture
        ? { ...base, enableGraphCapture: true, extra: { 'ep.webgpuexecutionprovider.enableGraphCapture': '1' } }
        : base;
  const follow = variant === 'fixed-kv-shared-follow';
  let sameObjects: boolean | undefined;
  const steps: string[] = [];
  const step = async <T>(what: string, fn: () => Promise<T>, record = true): Promise<T> => {
    try {
      const r = await fn();
      if (record) steps.push(`${what}: ok`);
      return r;
    } catch (err) {
      throw new Error(`${steps.length > 0 ? steps.join('; ') + '; ' : ''}${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const growing = variant === 'capture-growing';
  const prefill = await step('prefill session created', () => ort.InferenceSession.create(modelFile, growing ? captureOptions : base));
  const decode = growing ? prefill : await step(`decode session created${capture ? ' with graph capture' : ''}`, () => ort.InferenceSession.create(modelFile, captureOptions));
  const kvLen = growing ? 0 : plan.max;
  let past: ort.Tensor[] = names.map(() => new ort.Tensor('float32', new Float32Array(numKvHeads * kvLen * headDim), [1, numKvHeads, kvLen, headDim]));
  try {
    const ids = promptIds(plan.prompt);
    const pastFeeds = () => Object.fromEntries(names.map((n, i) => [n.replace('present', 'past'), past[i]]));
    const first = await step('prompt run', () => prefill.run({ ...feedsFor(ids, 0, plan.prompt - 1, plan.prompt), ...pastFeeds() }));
    const logits = [lastRow(first.logits as ort.Tensor, V)];
    past = names.map((n) => first[n] as ort.Tensor);
    const decodeMs: number[] = [];
    let presentDims: number[] | undefined;
    const shared = variant === 'fixed-kv-shared' || follow || variant === 'capture' || variant === 'capture-ep-option';
    for (let k = 0; k < plan.tokens; k++) {
      const total = plan.prompt + k + 1;
      const feeds = { ...feedsFor([decodeId(k)], plan.prompt + k, total - 1, growing ? total : plan.max), ...pastFeeds() };
      // shared: each present written into its past's own device buffer (pre-bound outputs); else new buffers
      const fetches = shared ? { logits: null, ...Object.fromEntries(names.map((n, i) => [n, past[i]])) } : undefined;
      const t0 = performance.now();
      const out = await step(`decode run ${k + 1}`, () => (fetches ? decode.run(feeds, fetches as ort.InferenceSession.FetchesType) : decode.run(feeds)), false);
      const row = lastRow(out.logits as ort.Tensor, V);
      decodeMs.push(performance.now() - t0);
      logits.push(row);
      presentDims ??= [...(out['present_key.0'] as ort.Tensor).dims];
      if (shared && k === 0) sameObjects = names.every((n, i) => out[n] === past[i]);
      if (!shared || follow) {
        for (const t of past) if (t.location === 'gpu-buffer') t.dispose();
        past = names.map((n) => out[n] as ort.Tensor);
      }
    }
    const bound = shared ? ` (presents pre-bound to the past tensors; run() gave them back as ${sameObjects ? 'the same' : 'other'} tensors${follow ? ', which were fed back' : ''})` : '';
    return { variant, ok: true, said: `ran ${plan.tokens} decode tokens${bound}`, logits, decodeMs, presentDims };
  } finally {
    for (const t of past) if (t.location === 'gpu-buffer') t.dispose();
    await prefill.release();
    if (decode !== prefill) await decode.release();
  }
}

async function child(variant: Variant, plan: Plan): Promise<void> {
  const manifest = path.join(plan.dir, 'ar.json');
  const meta = (JSON.parse((await import('node:fs')).readFileSync(manifest, 'utf8')) as { config: Meta }).config;
  let outcome: Outcome;
  try {
    outcome = variant === 'reference' ? await runReference(plan, manifest) : await runFixed(plan, path.join(plan.dir, 'ar.onnx'), meta, variant);
  } catch (err) {
    outcome = { variant, ok: false, said: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(`\n@@outcome ${JSON.stringify(outcome)}\n`);
}

/** Largest |a - b| over all positions, and the first position that differs (0 = the prompt's last, k = decode token k). */
function compare(a: number[][], b: number[][]): { max: number; first: number | null } {
  let max = a.length === b.length ? 0 : Infinity;
  let first: number | null = null;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    for (let j = 0; j < a[i].length; j++) {
      const d = Math.abs(a[i][j] - b[i][j]);
      if (d > 0 && first === null) first = i;
      max = Math.max(max, d);
    }
  }
  return { max, first };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { prompt: { type: 'string', default: '8' }, tokens: { type: 'string', default: '24' }, max: { type: 'string', default: '64' }, child: { type: 'string' }, dir: { type: 'string' } },
  });
  const plan: Plan = { dir: values.dir ?? '', prompt: Number(values.prompt), tokens: Number(values.tokens), max: Number(values.max) };
  if (values.child) return child(values.child as Variant, plan);
  if (plan.prompt + plan.tokens > plan.max) throw new Error('--max must hold the prompt and the decode tokens');
  const machine = machineInfo(onnxruntimeVersion);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-graph-capture-'));
  try {
    await buildAr(path.join(checkpointDir(), 'vision_language_encoder'), dir, { precision: 'fp32' });
    const outcomes = new Map<Variant, Outcome>();
    for (const variant of VARIANTS) {
      const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, '--dir', dir, '--prompt', String(plan.prompt), '--tokens', String(plan.tokens), '--max', String(plan.max)];
      let text = '';
      let exit = 'exit 0';
      try {
        text = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; status?: number | null; signal?: string | null };
        text = e.stdout ?? '';
        exit = e.signal ? `killed by ${e.signal}` : `exit ${e.status}`;
        const stderr = (e.stderr ?? '').split('\n').filter((l) => l.trim() && !/^Warning: max\w+ artificially reduced/.test(l));
        if (!text.includes('@@outcome')) outcomes.set(variant, { variant, ok: false, said: `the process ended (${exit}) without an outcome: ${stderr.slice(-6).join(' | ').slice(0, 1500)}` });
      }
      const line = text.split('\n').find((l) => l.startsWith('@@outcome '));
      if (line) outcomes.set(variant, JSON.parse(line.slice('@@outcome '.length)) as Outcome);
    }
    const ref = outcomes.get('reference');
    const figures: Figure[] = [];
    const common = { provider: 'webgpu', precision: 'fp32', config: 'tiny' };
    for (const variant of VARIANTS) {
      const o = outcomes.get(variant)!;
      const diff = o.ok && o.logits && ref?.logits && variant !== 'reference' ? compare(o.logits, ref.logits) : null;
      const against = diff
        ? diff.max === 0
          ? `; logits identical to the reference at all ${o.logits!.length} positions`
          : `; logits differ from the reference from ${diff.first === 0 ? "the prompt's last position" : `decode token ${diff.first}`} on (max |difference| ${diff.max.toExponential(2)})`
        : '';
      const said = `${o.ok ? '' : 'FAILED: '}${o.said}${o.presentDims ? `; present_key.0 ${JSON.stringify(o.presentDims)}` : ''}${against}`;
      console.log(`${variant}: ${said}`);
      if (o.ok && o.decodeMs) {
        figures.push(figure('graph-capture', `AR decode per token, ${variant}`, 'ms', o.decodeMs.slice(2), 'lower', { ...common, note: said }));
      } else {
        figures.push(figure('graph-capture', `AR decode per token, ${variant}`, 'ms', [NaN], 'lower', { ...common, note: said }));
      }
    }
    const file = writeResults('graph-capture', machine, figures, { provider: 'webgpu', config: 'tiny', prompt: plan.prompt, tokens: plan.tokens, max: plan.max });
    console.log('');
    printTable(figures.filter((f) => Number.isFinite(f.median)));
    console.log(`\nwrote ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
