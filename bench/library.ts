/**
 * Library benchmark on its own (no onnxruntime needed):
 *   node --import tsx bench/library.ts [--generations 100000] [--repeats 40] [--images 8]
 * Prints a table (median = p50, p95) and writes bench/results/library-<host>-<date>.json.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { machineInfo, printTable, writeResults } from './harness';
import { runLibrary } from './suites/library';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    generations: { type: 'string', default: '100000' },
    repeats: { type: 'string', default: '40' },
    images: { type: 'string', default: '8' },
  },
});
const generations = Math.max(100, Number(values.generations) || 100_000);
const repeats = Math.max(3, Number(values.repeats) || 40);
const images = Math.max(1, Number(values.images) || 8);
const loadBefore = os.loadavg();
const figures = await runLibrary({ generations, repeats, images });
// Load averages: other work on the machine shows in the spread of these figures.
const file = writeResults('library', machineInfo('n/a'), figures, { generations, repeats, images, loadavg: { before: loadBefore, after: os.loadavg() } });
console.log(`load average before ${loadBefore.map((x) => x.toFixed(1)).join(' ')}, after ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('');
printTable(figures.map((f) => ({ ...f, name: `${f.name} (p95 ${f.p95.toFixed(f.unit === 'ms' ? 2 : 0)})` })));
console.log(`\nwrote ${file}`);
