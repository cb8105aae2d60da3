/** `glimmer compile`: a GLM-Image checkpoint folder → a compiled model folder (ONNX + manifest). */
import path from 'node:path';
import { COMPILE_PRECISIONS, compileModel, parseCompilePrecision, PRECISION_PRESETS } from '../../native-models/compile';
import { GlimmerError } from '../contract';
import { parseCommandArgs } from './args';
import { bytes, t } from './i18n';

export async function runCompile(args: string[]): Promise<number> {
  const v = parseCommandArgs('compile', args, {
    checkpoint: { type: 'string' },
    out: { type: 'string' },
    precision: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(t('compile.help', { precisions: COMPILE_PRECISIONS.map((p) => `${p} (${PRECISION_PRESETS[p].label})`).join(', ') }));
    return 0;
  }
  if (!v.checkpoint) throw new GlimmerError('bad_request', t('compile.needCheckpoint'));
  if (!v.out) throw new GlimmerError('bad_request', t('compile.needOut'));
  const precision = parseCompilePrecision(v.precision);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const t0 = Date.now();
  try {
    const m = await compileModel(path.resolve(v.checkpoint), path.resolve(v.out), {
      precision,
      force: v.force === true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.tensors) {
          // per tensor: a line redrawn in place on a terminal only
          if (process.stderr.isTTY) {
            const pct = p.tensors.bytesTotal > 0 ? Math.floor((100 * p.tensors.bytesDone) / p.tensors.bytesTotal) : 100;
            const line = t('compile.groupLine', {
              index: p.index,
              total: p.total,
              module: p.module.padEnd(7),
              group: p.tensors.last,
              done: p.tensors.done,
              all: p.tensors.total,
              bytesDone: bytes(p.tensors.bytesDone),
              bytesTotal: bytes(p.tensors.bytesTotal),
              percent: pct,
              eta: '',
            });
            process.stderr.write(`\r${line}\x1b[K`);
          }
          return;
        }
        if (process.stderr.isTTY && p.state === 'done') process.stderr.write('\r\x1b[K');
        const size = p.bytes !== undefined ? t('compile.size', { size: bytes(p.bytes) }) : '';
        const took = p.ms !== undefined ? t('compile.took', { seconds: (p.ms / 1000).toFixed(1) }) : '';
        const what = p.state === 'start' ? t('compile.building') : p.state === 'skipped' ? t('compile.kept') : t('compile.built');
        console.error(t('compile.moduleLine', { index: p.index, total: p.total, module: p.module.padEnd(7), what, size, took }));
      },
    });
    console.log(t('compile.compiled', { name: m.name, precision: m.precisionLabel, id: m.id, dir: path.resolve(v.out), seconds: ((Date.now() - t0) / 1000).toFixed(1) }));
    return 0;
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
