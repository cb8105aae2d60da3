/**
 * Checks that a folder holds a usable GLM-Image checkpoint: model_index.json, every component folder, its configs
 * and its weights (single file, or a sharded index whose every shard exists, is whole and holds the tensors the
 * index points at). Reads headers only, never whole weight files, so it is quick even on 36 GB.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../contract';
import { COMPONENTS, isNeededRepoFile, MODEL_INDEX, type ComponentSpec } from './layout';
import { precisionName, readSafetensorsHeader } from './safetensors-header';
import { isShardFileName } from '../../native-models/safetensors';

export type ProblemKind = 'missing' | 'corrupt' | 'incomplete';

export interface ValidationProblem {
  kind: ProblemKind;
  /** Path relative to the checkpoint folder, posix separators. */
  path: string;
  message: string;
}

export interface ComponentReport {
  name: string;
  role: string;
  ok: boolean;
  bytes: number;
  /** Float precision of the weights ('bf16', 'fp32', 'bf16+fp32'), null when the component has no weights. */
  precision: string | null;
  /** Files found and checked, relative to the checkpoint folder. */
  files: string[];
}

export interface ValidationReport {
  ok: boolean;
  /** false: nothing is at `dir` (no such folder): "not found", not an incomplete download. */
  found: boolean;
  dir: string;
  problems: ValidationProblem[];
  components: ComponentReport[];
  totalBytes: number;
  precision: string | null;
  /** One paragraph a user can act on: what is wrong in counts and what to do (each problem is listed once, in `problems`). */
  summary: string;
}

async function fileSize(file: string): Promise<number | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/** Size of every file in a component folder that the app reads (configs, tokenizer files, weights). */
async function neededBytesIn(dir: string, component: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(path.join(dir, component)).catch(() => [] as string[])) {
    if (!isNeededRepoFile(`${component}/${name}`)) continue;
    total += (await fileSize(path.join(dir, component, name))) ?? 0;
  }
  return total;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2']);

export function summarizePrecision(dtypes: Iterable<string>): string | null {
  const all = [...new Set(dtypes)];
  const floats = all.filter((d) => FLOAT_DTYPES.has(d));
  const chosen = floats.length > 0 ? floats : all;
  if (chosen.length === 0) return null;
  return [...new Set(chosen.map(precisionName))].sort().join('+');
}

interface WeightCheck {
  files: string[];
  dtypes: Set<string>;
  problems: ValidationProblem[];
}

async function checkSafetensorsFile(dir: string, rel: string, what: string, out: WeightCheck) {
  const size = await fileSize(path.join(dir, rel));
  if (size === null) {
    out.problems.push({ kind: 'missing', path: rel, message: `${rel} is missing (${what})` });
    return null;
  }
  out.files.push(rel);
  try {
    const header = await readSafetensorsHeader(path.join(dir, rel));
    // overlapping or gapped tensors and bytes after the last one are refused by the reader itself
    if (header.actualSize < header.expectedSize) {
      out.problems.push({
        kind: 'incomplete',
        path: rel,
        message: `${rel} is cut short: ${header.actualSize} of ${header.expectedSize} bytes (${what})`,
      });
    }
    for (const d of header.dtypes) out.dtypes.add(d);
    return header;
  } catch (err) {
    out.problems.push({ kind: 'corrupt', path: rel, message: `${rel} is damaged: ${(err as Error).message}` });
    return null;
  }
}

async function checkWeights(dir: string, spec: ComponentSpec, stem: string, out: WeightCheck): Promise<void> {
  const single = `${spec.name}/${stem}.safetensors`;
  const index = `${spec.name}/${stem}.safetensors.index.json`;
  const what = `${spec.role} weights`;
  if ((await fileSize(path.join(dir, single))) !== null) {
    await checkSafetensorsFile(dir, single, what, out);
    return;
  }
  if ((await fileSize(path.join(dir, index))) === null) {
    out.problems.push({
      kind: 'missing',
      path: single,
      message: `${spec.name}/ has no weights: neither ${stem}.safetensors nor ${stem}.safetensors.index.json (${what})`,
    });
    return;
  }
  out.files.push(index);
  let weightMap: Record<string, string>;
  try {
    const parsed = (await readJson(path.join(dir, index))) as { weight_map?: unknown };
    if (!parsed.weight_map || typeof parsed.weight_map !== 'object') throw new Error('it has no weight_map');
    weightMap = parsed.weight_map as Record<string, string>;
  } catch (err) {
    out.problems.push({ kind: 'corrupt', path: index, message: `${index} is damaged: ${(err as Error).message}` });
    return;
  }
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (!isShardFileName(shard)) {
      // never opened: a shard is a file in the index's own folder (the rule compile applies too)
      out.problems.push({
        kind: 'corrupt',
        path: index,
        message: `${index} names ${JSON.stringify(String(shard)).slice(0, 80)} for "${tensor.slice(0, 80)}": not a .safetensors file in ${spec.name}/ (names outside the folder are refused)`,
      });
      return;
    }
    const list = byShard.get(shard) ?? [];
    list.push(tensor);
    byShard.set(shard, list);
  }
  const shards = [...byShard.keys()].sort();
  for (const [i, shard] of shards.entries()) {
    const rel = `${spec.name}/${shard}`;
    const header = await checkSafetensorsFile(dir, rel, `shard ${i + 1} of ${shards.length} of the ${what}`, out);
    if (!header) continue;
    const absent = (byShard.get(shard) ?? []).filter((t) => !header.tensors.has(t));
    if (absent.length > 0) {
      out.problems.push({
        kind: 'corrupt',
        path: rel,
        message: `${rel} lacks ${absent.length} tensor(s) the index places there (first: ${absent[0]})`,
      });
    }
  }
}

function summarize(dir: string, problems: ValidationProblem[], totalBytes: number, precision: string | null): string {
  if (problems.length === 0) {
    return `GLM-Image checkpoint at ${dir} is complete (${formatBytes(totalBytes)}${precision ? `, ${precision}` : ''}).`;
  }
  const count = (k: ProblemKind) => problems.filter((p) => p.kind === k).length;
  const parts = [
    count('missing') ? `${count('missing')} missing` : '',
    count('incomplete') ? `${count('incomplete')} cut short` : '',
    count('corrupt') ? `${count('corrupt')} damaged` : '',
  ].filter(Boolean);
  return (
    `The folder ${dir} is not a complete GLM-Image checkpoint: ${parts.join(', ')} ` +
    `(listed below). Download the model again (it resumes) or choose a complete folder.`
  );
}

/**
 * The report as one message (an error's): the summary, then each problem once. Where the problems
 * are shown as a list of their own (the Models screen, `glimmer models validate`), use `summary`.
 */
export function reportMessage(report: ValidationReport): string {
  if (report.problems.length === 0 || !report.found) return report.summary;
  const seen = new Set<string>();
  const lines = report.problems.filter((p) => !seen.has(p.message) && seen.add(p.message)).map((p) => p.message);
  return `${report.summary.replace(/ \(listed below\)/, '')} ${lines.slice(0, 12).join('; ')}${lines.length > 12 ? ` (and ${lines.length - 12} more)` : ''}.`;
}

/** Problems with the same path and kind collapse into one (a file is listed once). */
function dedupe(problems: ValidationProblem[]): ValidationProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.kind}:${p.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates a folder in the GLM-Image layout. Never throws for a bad folder; the report says what is wrong. */
export async function validateCheckpoint(dirIn: string): Promise<ValidationReport> {
  const dir = path.resolve(dirIn);
  const where = await stat(dir).catch(() => null);
  if (!where?.isDirectory()) {
    const message = where ? `${dir} is a file, not a folder` : `${dir} does not exist`;
    return {
      ok: false,
      found: false,
      dir,
      problems: [{ kind: 'missing', path: '.', message }],
      components: [],
      totalBytes: 0,
      precision: null,
      summary: `Not found: ${message} (moved, deleted, on a disk that is not connected, or a typo). Choose the folder that holds model_index.json.`,
    };
  }
  const problems: ValidationProblem[] = [];
  const components: ComponentReport[] = [];
  let totalBytes = 0;
  const allDtypes = new Set<string>();

  let index: Record<string, unknown> | null = null;
  const indexSize = await fileSize(path.join(dir, MODEL_INDEX));
  if (indexSize === null) {
    problems.push({ kind: 'missing', path: MODEL_INDEX, message: `${MODEL_INDEX} is missing (pipeline description)` });
  } else {
    totalBytes += indexSize;
    try {
      index = (await readJson(path.join(dir, MODEL_INDEX))) as Record<string, unknown>;
    } catch (err) {
      problems.push({ kind: 'corrupt', path: MODEL_INDEX, message: `${MODEL_INDEX} is not valid JSON: ${(err as Error).message}` });
    }
  }
  if (index && index._class_name !== undefined && index._class_name !== 'GlmImagePipeline') {
    problems.push({
      kind: 'corrupt',
      path: MODEL_INDEX,
      message: `${MODEL_INDEX} describes a ${String(index._class_name)}, not a GlmImagePipeline`,
    });
  }

  for (const spec of COMPONENTS) {
    const before = problems.length;
    const check: WeightCheck = { files: [], dtypes: new Set(), problems };
    if (index && !(spec.name in index)) {
      problems.push({ kind: 'missing', path: MODEL_INDEX, message: `${MODEL_INDEX} does not list the ${spec.name} component` });
    }
    const folderStat = await stat(path.join(dir, spec.name)).catch(() => null);
    if (!folderStat || !folderStat.isDirectory()) {
      problems.push({ kind: 'missing', path: `${spec.name}/`, message: `${spec.name}/ is missing (${spec.role})` });
      components.push({ name: spec.name, role: spec.role, ok: false, bytes: 0, precision: null, files: [] });
      continue;
    }
    for (const req of spec.files) {
      let found: string | null = null;
      for (const name of req.anyOf) {
        const rel = `${spec.name}/${name}`;
        const size = await fileSize(path.join(dir, rel));
        if (size === null) continue;
        found = rel;
        check.files.push(rel);
        if (name.endsWith('.json')) {
          try {
            await readJson(path.join(dir, rel));
          } catch (err) {
            problems.push({ kind: 'corrupt', path: rel, message: `${rel} is not valid JSON: ${(err as Error).message}` });
          }
        }
        break;
      }
      if (!found) {
        const names = req.anyOf.map((n) => `${spec.name}/${n}`).join(' or ');
        problems.push({ kind: 'missing', path: `${spec.name}/${req.anyOf[0]}`, message: `${names} is missing (${req.what})` });
      }
    }
    for (const stem of spec.weightStems ?? []) await checkWeights(dir, spec, stem, check);
    for (const d of check.dtypes) allDtypes.add(d);
    const bytes = await neededBytesIn(dir, spec.name);
    totalBytes += bytes;
    components.push({
      name: spec.name,
      role: spec.role,
      ok: problems.length === before,
      bytes,
      precision: spec.weightStems ? summarizePrecision(check.dtypes) : null,
      files: check.files,
    });
  }

  const precision = summarizePrecision(allDtypes);
  const unique = dedupe(problems);
  return {
    ok: unique.length === 0,
    found: true,
    dir,
    problems: unique,
    components,
    totalBytes,
    precision,
    summary: summarize(dir, unique, totalBytes, precision),
  };
}
