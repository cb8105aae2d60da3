/** `glimmer compile`: a GLM-Image checkpoint folder → a compiled model folder (ONNX + manifest). */
import path from 'node:path';
import { COMPILE_PRECISIONS, compileModel, parseCompilePrecision, PRECISION_PRESETS } from '../../native-models/compile';
import { GlimmerError } from '../contract';
import { parseCommandArgs } from './args';

const HELP = `Usage: glimmer compile --checkpoint DIR --out DIR [--precision P] [--force]

Compiles a GLM-Image checkpoint (Hugging Face layout) into ONNX graphs the engine runs.
  --precision  ${COMPILE_PRECISIONS.map((p) => `${p} (${PRECISION_PRESETS[p].label})`).join(', ')}; default fp32
  --force      rebuild every module (otherwise finished modules are kept: an interrupted compile resumes)`;

export async function runCompile(args: string[]): Promise<number> {
  const v = parseCommandArgs('compile', args, {
    checkpoint: { type: 'string' },
    out: { type: 'string' },
    precision: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (!v.checkpoint) throw new GlimmerError('bad_request', '--checkpoint DIR is required (see `glimmer compile --help`).');
  if (!v.out) throw new GlimmerError('bad_request', '--out DIR is required (see `glimmer compile --help`).');
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
            process.stderr.write(`\r[${p.index}/${p.total}] ${p.module.padEnd(7)} ${p.tensors.done}/${p.tensors.total} tensors (${pct}%)\x1b[K`);
          }
          return;
        }
        if (process.stderr.isTTY && p.state === 'done') process.stderr.write('\r\x1b[K');
        const mb = p.bytes !== undefined ? ` ${(p.bytes / 1e6).toFixed(1)} MB` : '';
        const took = p.ms !== undefined ? ` in ${(p.ms / 1000).toFixed(1)} s` : '';
        if (p.state !== 'start') console.error(`[${p.index}/${p.total}] ${p.module.padEnd(7)} ${p.state === 'skipped' ? 'already built, kept' : 'built'}${mb}${took}`);
        else console.error(`[${p.index}/${p.total}] ${p.module.padEnd(7)} building...`);
      },
    });
    console.log(`Compiled ${m.name} (${m.precisionLabel}) as ${m.id} into ${path.resolve(v.out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
