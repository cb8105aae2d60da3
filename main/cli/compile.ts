/** `glimmer compile`: a GLM-Image checkpoint folder → a compiled model folder (ONNX + manifest). */
import path from 'node:path';
import { COMPILE_PRECISIONS, compileModel, parseCompilePrecision, PRECISION_PRESETS } from '../../native-models/compile';
import { GlimmerError } from '../contract';
import { parseCommandArgs } from './args';
import { resolvePaths } from '../studio/paths';
import { bytes, duration, t } from './i18n';
import { modelArg } from './model-arg';
import { redrawsInPlace } from './terminal';

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
  const tty = redrawsInPlace();
  let lastGroup = '';
  try {
    const checkpoint = await modelArg(v.checkpoint, resolvePaths().modelsDir, 'checkpoint');
    const m = await compileModel(checkpoint.path, path.resolve(v.out), {
      ...(checkpoint.entry ? { name: checkpoint.entry.name } : {}),
      precision,
      force: v.force === true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.tensors) {
          // per layer: redrawn in place on a terminal, one line per layer in a log
          if (!tty && (p.tensors.group === lastGroup || p.tensors.last === '')) return;
          lastGroup = p.tensors.group;
          const line = t('compile.groupLine', {
            index: p.index,
            total: p.total,
            module: p.module.padEnd(7),
            group: p.tensors.group,
            done: p.tensors.done,
            all: p.tensors.total,
            bytesDone: bytes(p.tensors.bytesDone),
            bytesTotal: bytes(p.tensors.bytesTotal),
            percent: p.tensors.bytesTotal > 0 ? Math.floor((100 * p.tensors.bytesDone) / p.tensors.bytesTotal) : 100,
            eta: p.tensors.etaSeconds !== null && p.tensors.etaSeconds > 0 ? t('compile.eta', { duration: duration(p.tensors.etaSeconds) }) : '',
          });
          if (tty) process.stderr.write(`\r${line}\x1b[K`);
          else console.error(line);
          return;
        }
        lastGroup = '';
        if (tty && p.state === 'done') process.stderr.write('\r\x1b[K');
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
