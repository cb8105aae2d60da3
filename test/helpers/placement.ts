/**
 * Where onnxruntime puts each node of a graph under a provider, from its own verbose session log
 * ("Node(s) placed on [X]. Number of nodes: N" and the op (name) lines after it; "kernel not found
 * in registries" for the nodes a provider has no kernel for). The log is written by onnxruntime's
 * native code straight to stderr, so sessions are made in a child process (placement-child.ts) and
 * its stderr is read here. The child also writes each optimized graph (the nodes as placed, the
 * ones onnxruntime made included); the element type of every node's outputs is worked out from it,
 * so a node on the CPU can be told apart as shape arithmetic (integer outputs: sizes and indices
 * for Reshape, Slice, Expand, which onnxruntime keeps on the CPU by design) or as tensor data that
 * fell back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATA_TYPE } from '../../native-models/onnx';
import { onnxType } from '../../native-models/onnx/schema';
import type { ProviderName } from '../../main/contract';
import { repoRoot } from './fixtures';

export interface Placement {
  /** Execution provider → "OpType (node name)" of each node placed on it. */
  byProvider: Record<string, string[]>;
  /** Nodes the asked provider has no kernel for, as onnxruntime names them. */
  noKernel: string[];
  /** Nodes onnxruntime moved to the CPU on purpose (small shape computations). */
  preferredOnCpu: string[];
  /** Node name → element types of its outputs (from the optimized graph). */
  outputTypes: Map<string, string[]>;
}

const TYPE_NAMES = new Map<number, string>(Object.entries(DATA_TYPE).map(([k, v]) => [v, k]));
const INTEGER = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'bool']);

/** Whether every output of the node is an integer or boolean tensor (shape arithmetic, indices). */
export function integerOnly(p: Placement, node: string): boolean {
  const name = /\((.*)\)$/.exec(node)?.[1] ?? node;
  const types = p.outputTypes.get(name);
  return types !== undefined && types.length > 0 && types.every((t) => INTEGER.has(t));
}

interface NodeLite {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: { name: string; i?: number | { toNumber(): number }; t?: { data_type: number } }[];
}

/** Element type of every node output of a model, propagated from its inputs and initializers. */
export function outputTypes(modelFile: string): Map<string, string[]> {
  const m = onnxType('ModelProto').decode(readFileSync(modelFile)) as unknown as {
    graph: { input: { name: string; type: { tensor_type: { elem_type: number } } }[]; initializer: { name: string; data_type: number }[]; node: NodeLite[] };
  };
  const type = new Map<string, string>();
  for (const i of m.graph.input) type.set(i.name, TYPE_NAMES.get(i.type.tensor_type.elem_type) ?? '?');
  for (const t of m.graph.initializer) type.set(t.name, TYPE_NAMES.get(t.data_type) ?? '?');
  const attr = (n: NodeLite, name: string) => n.attribute.find((a) => a.name === name);
  const num = (v: unknown) => (typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber());
  const out = new Map<string, string[]>();
  for (const n of m.graph.node) {
    const input = (k: number) => type.get(n.input[k] ?? '') ?? '?';
    let t: string;
    switch (n.op_type) {
      case 'Cast':
        t = TYPE_NAMES.get(num(attr(n, 'to')?.i)) ?? '?';
        break;
      case 'Shape':
      case 'Size':
      case 'ArgMax':
      case 'ArgMin':
      case 'NonZero':
        t = 'int64';
        break;
      case 'Equal':
      case 'Less':
      case 'LessOrEqual':
      case 'Greater':
      case 'GreaterOrEqual':
      case 'Not':
      case 'And':
      case 'Or':
        t = 'bool';
        break;
      case 'ConstantOfShape':
      case 'Constant': {
        const v = attr(n, 'value')?.t;
        t = v ? (TYPE_NAMES.get(v.data_type) ?? '?') : 'float32';
        break;
      }
      case 'Where':
        t = input(1);
        break;
      case 'GatherBlockQuantized':
      case 'DequantizeLinear':
        t = input(2) === '?' ? input(1) : input(2);
        break;
      default:
        t = input(0);
    }
    for (const o of n.output) type.set(o, t);
    out.set(n.name, n.output.map(() => t));
  }
  return out;
}

/** Placements per session log id (`model<k>`) from onnxruntime's verbose log lines. */
export function parsePlacementLog(log: string): Map<string, Placement> {
  const out = new Map<string, Placement>();
  let listing: string[] | null = null;
  for (const line of log.split('\n')) {
    const tag = /\[\w:onnxruntime:(\w*),/.exec(line);
    if (!tag?.[1]) continue;
    let current = out.get(tag[1]);
    if (!current) out.set(tag[1], (current = { byProvider: {}, noKernel: [], preferredOnCpu: [], outputTypes: new Map() }));
    const all = /All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    if (all) {
      // only the count is logged: the nodes are numbered
      current.byProvider[all[1]!] = Array.from({ length: Number(all[2]) }, (_, i) => `node ${i + 1}`);
      listing = null;
      continue;
    }
    const placed = /Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    if (placed) {
      listing = current.byProvider[placed[1]!] = [];
      continue;
    }
    const node = /VerifyEachNodeIsAssignedToAnEp\]\s{3}(\S.*)$/.exec(line);
    if (node && listing) {
      listing.push(node[1]!.trim());
      continue;
    }
    if (!/VerifyEachNodeIsAssignedToAnEp\]/.test(line)) listing = null;
    const missing = /kernel not found in registries for Op type: (\S+) node name: (.*)$/.exec(line);
    if (missing) current.noKernel.push(`${missing[1]} (${missing[2]!.trim()})`);
    const preferred = /Force fallback to CPU execution for node: (\S+)/.exec(line);
    if (preferred) current.preferredOnCpu.push(preferred[1]!);
  }
  return out;
}

/**
 * Placement of every model's nodes under the provider, with the app's session options: one child
 * process per model, so no other session's (or Dawn's) output lands inside its log lines.
 */
export async function nodePlacement(provider: ProviderName, models: string[]): Promise<Map<string, Placement>> {
  const out = new Map<string, Placement>();
  for (const model of models) out.set(model, await placementWithRetry(provider, model));
  return out;
}

/**
 * Dawn's thread writes to the same stderr as onnxruntime's log, and on a loaded machine its output
 * can land inside a log line so that the placement cannot be read: such a run is tried once more (a
 * graph whose placement is really missing fails both times).
 */
async function placementWithRetry(provider: ProviderName, model: string): Promise<Placement> {
  try {
    return await placementOf(provider, model);
  } catch (err) {
    if (!/^no placement log/.test((err as Error).message)) throw err;
    return placementOf(provider, model);
  }
}

function placementOf(provider: ProviderName, model: string): Promise<Placement> {
  const optimized = mkdtempSync(path.join(os.tmpdir(), 'glimmer-placement-'));
  return new Promise<Placement>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'helpers', 'placement-child.ts'), provider, optimized, model], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let done = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdout.on('data', (d: Buffer) => (done += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`placement child exited ${code}: ${err.split('\n').filter((l) => /error|Error/.test(l)).slice(-3).join(' | ')}`));
      // Dawn writes its adapter warnings to the same stderr from its own thread; cut them out so an
      // onnxruntime line they landed inside is whole again
      const log = err.replace(/Warning: [^\n]*?(?:limit|adapter)\.\n?/g, '');
      const p = parsePlacementLog(log).get('model0');
      if (!p || !done.includes('done 0\n') || Object.keys(p.byProvider).length === 0) return reject(new Error(`no placement log for ${model}`));
      p.outputTypes = outputTypes(path.join(optimized, 'model0.onnx'));
      resolve(p);
    });
  }).finally(() => rmSync(optimized, { recursive: true, force: true }));
}
