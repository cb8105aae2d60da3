/**
 * `glimmer generate --engine URL`: one job on a server (vLLM-Omni, SGLang-Diffusion or another
 * Glimmer's serve) instead of this computer, without the queue or the library; each PNG (recipe in
 * its metadata, naming the server) goes to --out. The key comes from GLIMMER_ENGINE_KEY, never the
 * command line (the process list would show it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../native-models/atomic-write';
import { type GenerateRequest, GlimmerError, ServerKey, ServerKind, ServerUrl } from '../contract';
import { generatedPng } from '../library';
import { createEngine, detectKind, EtaHistory } from '../remote';
import { APP_NAME } from '../studio/paths';
import { outFile } from './out-file';
import { ProgressBar } from './progress-bar';

export interface RemoteGenerateArgs {
  engine: string;
  out: string;
  'engine-kind'?: string | undefined;
  'engine-ca'?: string | undefined;
}

export function engineKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env.GLIMMER_ENGINE_KEY;
  if (key === undefined || key === '') return undefined;
  if (!ServerKey.safeParse(key).success) throw new GlimmerError('bad_request', 'GLIMMER_ENGINE_KEY must be printable characters without spaces.');
  return key;
}

export function readCa(file: string | undefined, option = '--engine-ca'): string | undefined {
  if (file === undefined) return undefined;
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate in it');
    return pem;
  } catch (err) {
    throw new GlimmerError('bad_request', `${option} ${file} cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

export async function runRemoteGenerate(v: RemoteGenerateArgs, request: GenerateRequest): Promise<number> {
  const url = ServerUrl.safeParse(v.engine);
  if (!url.success) throw new GlimmerError('bad_request', `--engine ${url.error.issues[0]!.message}.`);
  const key = engineKey();
  const ca = readCa(v['engine-ca']);
  let kind: ServerKind;
  if (v['engine-kind'] !== undefined) {
    const k = ServerKind.safeParse(v['engine-kind']);
    if (!k.success) throw new GlimmerError('bad_request', `--engine-kind must be openai or glimmer, not "${v['engine-kind']}".`);
    kind = k.data;
  } else {
    kind = await detectKind(url.data, key, undefined, undefined, ca);
  }
  const host = new URL(url.data).host;
  const engine = createEngine(
    { id: 'srv-commandline', name: host, url: url.data, kind, ...(key ? { key } : {}), ...(ca ? { ca } : {}) },
    { app: `${APP_NAME} CLI`, history: new EtaHistory(), log: (m) => console.error(m) },
  );
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const bar = new ProgressBar();
  const t0 = Date.now();
  try {
    console.error(`engine: ${host} (${kind === 'openai' ? 'OpenAI-style image server' : 'Glimmer server'})`);
    const made = await engine.run(
      { request },
      {
        signal: controller.signal,
        onProgress: (p) => bar.put({ phase: p.phase, step: p.step, total: p.total, etaMs: p.etaMs }),
        onImage: async (img, i) => {
          bar.end();
          const file = path.resolve(outFile(v.out, i, request.count));
          const png = await generatedPng({ raw: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height, channels: 3 }, img.recipe);
          await writeFileAtomic(file, png.bytes);
          const notTaken = img.recipe.remote?.notTaken.length ? `; it could not take: ${img.recipe.remote.notTaken.join(', ')}` : '';
          console.log(`${file}  (seed ${img.recipe.seed}, ${img.recipe.width}x${img.recipe.height}, ${img.recipe.steps} steps, model ${img.recipe.model} on ${host}${notTaken})`);
        },
      },
    );
    console.error(`done: ${made} image(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    bar.end();
    process.removeListener('SIGINT', stop);
  }
}
