/** `glimmer info`: onnxruntime-node and its execution providers on this machine. */
import { detectProviders } from '../engine/providers';
import { onnxruntimeVersion } from '../engine/session';
import { t } from './i18n';

export async function runInfo(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(t('info.usage'));
    return 0;
  }
  const report = await detectProviders();
  if (args.includes('--json')) {
    console.log(JSON.stringify({ onnxruntime: onnxruntimeVersion, ...report }, null, 2));
    return 0;
  }
  console.log(t('info.version', { version: onnxruntimeVersion }));
  for (const p of report.providers) {
    console.log(`  ${p.available ? '✓' : '✗'} ${p.name.padEnd(7)} ${p.reason}`);
    if (p.available && p.adapter) console.log(`            ${t('info.adapter', { adapter: p.adapter })}`);
    for (const c of p.checks ?? []) console.log(`            ! ${c}`);
  }
  console.log(t('info.chosen', { provider: report.chosen, reason: report.chosenReason }));
  return 0;
}
