/** `glimmer info`: onnxruntime-node and its execution providers on this machine. */
import { detectProviders } from '../engine/providers';
import { onnxruntimeVersion } from '../engine/session';

export async function runInfo(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: glimmer info [--json]');
    return 0;
  }
  const report = await detectProviders();
  if (args.includes('--json')) {
    console.log(JSON.stringify({ onnxruntime: onnxruntimeVersion, ...report }, null, 2));
    return 0;
  }
  console.log(`onnxruntime-node ${onnxruntimeVersion}`);
  for (const p of report.providers) {
    console.log(`  ${p.available ? '✓' : '✗'} ${p.name.padEnd(7)} ${p.reason}`);
    if (p.available && p.adapter) console.log(`            on ${p.adapter}`);
    for (const c of p.checks ?? []) console.log(`            ! ${c}`);
  }
  console.log(`chosen: ${report.chosen} — ${report.chosenReason}`);
  return 0;
}
