/**
 * How fast the studio answers while it generates: `glimmer serve` as a child process (the same
 * process the app's main thread is), a generation on the tiny model at 1024² running, and a client
 * calling a cheap method (engine.status) and a library search back to back the whole time. p50 and
 * p99 of those answer times, beside the longest single onnxruntime run() of the job (what an engine
 * on the main thread would make a caller wait for).
 */
import type { GenerateRequest, JobInfo } from '../../main/contract';
import { compiledTinyModel } from '../../test/helpers/engine';
import { startServe } from '../../test/helpers/serve';
import { figure, type Figure, quantile } from '../harness';
import type { SuiteContext } from './index';

const SIDE = 1024;

export async function runResponsiveness(ctx: SuiteContext): Promise<Figure[]> {
  const modelDir = await compiledTinyModel();
  const serve = await startServe();
  const token = new URL(serve.openUrl).searchParams.get('token')!;
  const call = async <T>(method: string, body: unknown): Promise<T> => {
    const res = await fetch(`${serve.origin}/api/call/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
    if (!json.ok) throw new Error(`${method}: ${json.error?.message}`);
    return json.value;
  };
  const job = (steps: number): GenerateRequest => ({ mode: 'text', prompt: 'a lighthouse that says "OPEN"', width: SIDE, height: SIDE, steps, guidance: 1.5, seed: 1, count: 1 });
  const state = async (id: string) => (await call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true })).jobs.find((j) => j.id === id);
  try {
    await call('settings.update', { modelDir, provider: ctx.provider, memoryProfile: 'resident' });
    // the first job loads the model; its answers are not counted
    const warm = await call<{ job: JobInfo }>('jobs.submit', job(1));
    while (!['done', 'failed'].includes((await state(warm.job.id))?.state ?? '')) await new Promise((r) => setTimeout(r, 100));

    const status: number[] = [];
    const search: number[] = [];
    const timed = async (into: number[], method: string, body: unknown) => {
      const t0 = performance.now();
      await call(method, body);
      into.push(performance.now() - t0);
    };
    const { job: running } = await call<{ job: JobInfo }>('jobs.submit', job(Math.max(4, ctx.repeats * 2)));
    const t0 = performance.now();
    for (;;) {
      const j = await state(running.id);
      if (!j || ['done', 'failed', 'cancelled'].includes(j.state)) break;
      if (j.state === 'running') {
        await timed(status, 'engine.status', {});
        await timed(search, 'library.search', { text: 'lighthouse' });
      }
    }
    const jobMs = performance.now() - t0;
    const note = `while a ${SIDE}x${SIDE} tiny-model job ran on ${ctx.provider} (${(jobMs / 1000).toFixed(1)} s, ${status.length} calls each)`;
    const p99 = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.99).toFixed(1);
    return [
      figure('responsiveness', 'engine.status answer during a job', 'ms', status, 'lower', { provider: ctx.provider, config: 'tiny', note: `${note}; p99 ${p99(status)} ms` }),
      figure('responsiveness', 'library.search answer during a job', 'ms', search, 'lower', { provider: ctx.provider, config: 'tiny', note: `${note}; p99 ${p99(search)} ms` }),
    ];
  } finally {
    await serve.stop();
  }
}
