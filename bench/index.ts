/**
 * `npm run bench -- [suite ...] [--config tiny|small|full] [--provider P] [--precision a,b] [--repeats N]
 *                   [--budget S] [--reference | --reference-file F]`
 * Suites: limits (always measured first: the physical limits beside each figure), ui-startup,
 * library, ar, dit, vae, pipeline. Prints a table and writes bench/results/<suite>-<host>-<date>.json.
 * --reference runs bench/reference/run_reference.py (PyTorch, GPU machines) after the suites and
 * merges its figures as each figure's `reference`; --reference-file merges a saved run of it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ProviderName } from '../main/contract';
import { detectProviders } from '../main/engine/providers';
import { onnxruntimeVersion } from '../main/engine/session';
import { type Figure, latestResults, machineInfo, markdownTable, printTable, writeResults } from './harness';
import { benchModelsRoot } from './models';
import { mergeReference, readReferenceFile, runReference, type ReferenceReport } from './reference';
import { checkpointDir } from '../test/helpers/fixtures';
import { hostBestOf, measureLimits, readHostBest, withHostBest } from './suites/limits';
import { suites, type SuiteContext } from './suites';

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', default: 'tiny' },
      provider: { type: 'string' },
      repeats: { type: 'string', default: '5' },
      precision: { type: 'string' },
      reference: { type: 'boolean', default: false },
      'reference-file': { type: 'string' },
      budget: { type: 'string', default: '300' },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`Usage: npm run bench -- [${Object.keys(suites).join('|')} ...] [--config tiny|small|full] [--provider cpu|webgpu|cuda|dml|coreml] [--precision fp32,fp16,int4] [--repeats N] [--budget seconds per figure, default 300] [--reference | --reference-file F] | --markdown [suite ...]`);
    return 0;
  }
  if (values.markdown) {
    // the latest results file of each suite (and limits), as the table bench/README.md quotes
    console.log(markdownTable(latestResults(positionals.length > 0 ? positionals : ['limits', ...Object.keys(suites)])));
    return 0;
  }
  // `limits` alone measures only the machine's limits (they are measured first in every run anyway)
  const chosen = positionals.length > 0 ? positionals.filter((s) => s !== 'limits') : Object.keys(suites);
  for (const s of chosen) {
    if (!(s in suites)) {
      console.error(`unknown suite "${s}"; have: ${Object.keys(suites).join(', ')}`);
      return 2;
    }
  }
  const config = values.config as SuiteContext['config'];
  if (!['tiny', 'small', 'full'].includes(config)) {
    console.error('--config must be tiny, small or full');
    return 2;
  }
  const report = await detectProviders();
  const provider = values.provider ? ProviderName.parse(values.provider) : report.chosen;
  const repeats = Math.max(1, Number(values.repeats) || 5);
  const machine = machineInfo(onnxruntimeVersion);
  console.log(`bench on ${machine.cpu} (${machine.cores} cores), provider ${provider}, config ${config}`);
  const measured = await measureLimits(provider, config === 'full' ? 'large' : 'small', repeats);
  const limits = withHostBest(measured, readHostBest(machine, provider));
  const ctx: SuiteContext = {
    config,
    provider,
    repeats,
    precisions: values.precision ? values.precision.split(',') : undefined,
    reference: values.reference === true,
    limits,
    budgetMs: Math.max(1, Number(values.budget) || 300) * 1000,
  };
  const all: Figure[] = [...limits.figures];
  writeResults('limits', machine, limits.figures, { provider, hostBest: hostBestOf(limits) });
  console.log(`limits used: matmul ${(limits.matmulFlops / 1e9).toFixed(1)} GFLOP/s, streaming ${(limits.weightBytesPerSecond / 1e9).toFixed(2)} GB/s (best seen on this host)`);
  const bySuite = new Map<string, Figure[]>();
  let failed = 0;
  for (const name of chosen) {
    let figures: Figure[] = [];
    try {
      figures = await suites[name](ctx);
    } catch (err) {
      failed++;
      console.error(`suite ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    bySuite.set(name, figures);
    all.push(...figures);
    // written as soon as the suite ends, so a later failure loses nothing
    if (figures.length > 0) console.log(`wrote ${writeResults(name, machine, figures, { provider, config })}`);
  }
  let reference: ReferenceReport | null = null;
  if (values['reference-file']) reference = readReferenceFile(values['reference-file']);
  else if (ctx.reference) {
    const timed = chosen.filter((s) => ['ar', 'dit', 'vae', 'pipeline'].includes(s));
    try {
      reference = runReference({
        checkpoint: config === 'tiny' ? checkpointDir() : path.join(benchModelsRoot(), config),
        config,
        suites: timed,
        repeats,
        arPrompt: config === 'tiny' ? 32 : 256,
        arDecode: config === 'tiny' ? 64 : 32,
        pipelineSize: config === 'full' ? 1024 : 512,
        steps: 50,
      });
    } catch (err) {
      failed++;
      console.error(`reference: ${err instanceof Error ? err.message : String(err)}; figures are kept without it`);
    }
  }
  if (reference) console.log(`reference: ${mergeReference(all, reference)} figures matched (${reference.source})`);
  if (reference) {
    for (const [name, figures] of bySuite) if (figures.length > 0) writeResults(name, machine, figures, { provider, config, reference: reference.source });
  }
  console.log('');
  printTable(all);
  return failed > 0 ? 1 : 0;
}
