/**
 * Where onnxruntime puts each node of a graph under a provider, from its own verbose session log
 * ("Node(s) placed on [X]. Number of nodes: N" and the op (name) lines after it; "kernel not found
 * in registries" for the nodes a provider has no kernel for). The log is written by onnxruntime's
 * native code straight to stderr, so sessions are made in a child process (placement-child.ts) and
 * its stderr is read here.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ProviderName } from '../../main/contract';
import { repoRoot } from './fixtures';

export interface Placement {
  /** Execution provider → "OpType (node name)" of each node placed on it. */
  byProvider: Record<string, string[]>;
  /** Nodes the asked provider has no kernel for, as onnxruntime names them. */
  noKernel: string[];
  /** Nodes onnxruntime moved to the CPU on purpose (small shape computations). */
  preferredOnCpu: string[];
}

export function parsePlacementLog(log: string): Map<string, Placement> {
  const out = new Map<string, Placement>();
  let current: Placement | null = null;
  let listing: string[] | null = null;
  for (const line of log.split('\n')) {
    const model = /^@@model (.+)$/.exec(line);
    if (model) {
      current = { byProvider: {}, noKernel: [], preferredOnCpu: [] };
      out.set(model[1]!, current);
      listing = null;
      continue;
    }
    if (!current) continue;
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

/** Placement of every model's nodes under the provider, with the app's session options. */
export function nodePlacement(provider: ProviderName, models: string[]): Promise<Map<string, Placement>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'helpers', 'placement-child.ts'), provider, ...models], {
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
      const parsed = parsePlacementLog(err);
      for (const m of models) if (!parsed.has(m) || !done.includes(`done ${m}`)) return reject(new Error(`no placement log for ${m}`));
      resolve(parsed);
    });
  });
}
