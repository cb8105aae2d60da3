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
import { t } from './i18n';
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
  if (!ServerKey.safeParse(key).success) throw new GlimmerError('bad_request', t('generate.badEngineKey'));
  return key;
}

export function readCa(file: string | undefined, option = '--engine-ca'): string | undefined {
  if (file === undefined) return undefined;
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(t('generate.noCertificate'));
    return pem;
  } catch (err) {
    throw new GlimmerError('bad_request', t('generate.caUnusable', { option, file, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }));
  }
}

export async function runRemoteGenerate(v: RemoteGenerateArgs, request: GenerateRequest): Promise<number> {
  const url = ServerUrl.safeParse(v.engine);
  if (!url.success) throw new GlimmerError('bad_request', t('generate.badEngine', { message: url.error.issues[0]!.message }));
  const key = engineKey();
  const ca = readCa(v['engine-ca']);
  let kind: ServerKind;
  if (v['engine-kind'] !== undefined) {
    const k = ServerKind.safeParse(v['engine-kind']);
    if (!k.success) throw new GlimmerError('bad_request', t('generate.badEngineKind', { value: v['engine-kind'] }));
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
    console.error(t('generate.engine', { host, kind: t(`servers.kind.${kind}`) }));
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
          const notTaken = img.recipe.remote?.notTaken.length ? t('generate.notTaken', { limits: img.recipe.remote.notTaken.join(', ') }) : '';
          console.log(t('generate.wroteRemote', { file, seed: img.recipe.seed, width: img.recipe.width, height: img.recipe.height, steps: img.recipe.steps, model: img.recipe.model, host, notTaken }));
        },
      },
    );
    console.error(t('generate.done', { count: made, seconds: ((Date.now() - t0) / 1000).toFixed(1) }));
    return 0;
  } finally {
    bar.end();
    process.removeListener('SIGINT', stop);
  }
}
