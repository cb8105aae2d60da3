/**
 * `npm run bench -- [suite ...] [--config tiny|small|full] [--provider P] [--repeats N]`
 * Suites: limits (always measured first: the physical limits beside each figure), ui-startup,
 * library, ar, dit, vae, pipeline. Prints a table and writes bench/results/<suite>-<host>-<date>.json.
 */
import { parseArgs } from 'node:util';
import { ProviderName } from '../main/api/contract';
import { detectProviders } from '../main/engine/providers';
import { onnxruntimeVersion } from '../main/engine/session';
import { type Figure, machineInfo, printTable, writeResults } from './harness';
import { measureLimits } from './suites/limits';
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`Usage: npm run bench -- [${Object.keys(suites).join('|')} ...] [--config tiny|small|full] [--provider cpu|webgpu|cuda|dml|coreml] [--precision fp32,fp16,int4] [--repeats N] [--reference]`);
    return 0;
  }
  const chosen = positionals.length > 0 ? positionals : Object.keys(suites);
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
  const limits = await measureLimits(provider, config === 'full' ? 'large' : 'small', repeats);
  const ctx: SuiteContext = {
    config,
    provider,
    repeats,
    precisions: values.precision ? values.precision.split(',') : undefined,
    reference: values.reference === true,
    limits,
  };
  const all: Figure[] = [...limits.figures];
  writeResults('limits', machine, limits.figures, { provider });
  for (const name of chosen) {
    const figures = await suites[name](ctx);
    if (figures.length > 0) {
      const file = writeResults(name, machine, figures, { provider, config });
      console.log(`wrote ${file}`);
    }
    all.push(...figures);
  }
  console.log('');
  printTable(all);
  return 0;
}
