import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventMessage, GlimmerApi, JobInfo, JobProgress } from '../../main/contract';
import { JobsStore, MAX_STEP_PREVIEWS } from '../../renderer/src/jobs';

function job(id: string, state: JobInfo['state'], extra: Partial<JobInfo> = {}): JobInfo {
  return {
    id,
    state,
    position: state === 'waiting' ? 0 : -1,
    request: { mode: 'text', prompt: id, width: 512, height: 512, steps: 4, guidance: 1.5, count: 1 },
    createdAt: Number(id.replace(/\D/g, '')) || 1,
    updatedAt: 1,
    progress: null,
    generationIds: [],
    error: null,
    target: { type: 'local' },
    server: null,
    limits: [],
    ...extra,
  };
}
const progress = (phase: JobProgress['phase'], step: number, preview?: string): JobProgress => ({ phase, step, total: 10, image: 0, etaMs: null, ...(preview ? { preview } : {}) });

describe('renderer jobs store', () => {
  test('events keep jobs current, newest first; previews split into the token grid and the last step previews', () => {
    const store = new JobsStore();
    store.setAll([job('j1', 'done'), job('j2', 'waiting')]);
    assert.deepEqual(store.getState().jobs.map((j) => j.id), ['j2', 'j1']);
    store.handle({ event: 'job.updated', payload: { job: job('j2', 'running') } });
    store.handle({ event: 'job.progress', payload: { jobId: 'j2', progress: progress('ar', 3, 'data:tokens1') } });
    store.handle({ event: 'job.progress', payload: { jobId: 'j2', progress: progress('ar', 9, 'data:tokens2') } });
    for (let i = 0; i < MAX_STEP_PREVIEWS + 3; i++) store.handle({ event: 'job.progress', payload: { jobId: 'j2', progress: progress('dit', i, `data:step${i}`) } });
    const j2 = store.get('j2')!;
    assert.equal(j2.tokenPreview, 'data:tokens2');
    assert.equal(j2.stepPreviews.length, MAX_STEP_PREVIEWS);
    assert.equal(j2.stepPreviews.at(-1), `data:step${MAX_STEP_PREVIEWS + 2}`);
    assert.equal(j2.progress?.step, MAX_STEP_PREVIEWS + 2);
    // progress for a job never seen is ignored; other events are not job events
    store.handle({ event: 'job.progress', payload: { jobId: 'nope', progress: progress('dit', 1) } });
    assert.equal(store.get('nope'), undefined);
    assert.equal(store.handle({ event: 'system.log', payload: { level: 'info', message: '', time: 0 } } as EventMessage), false);
  });

  test('onDone fires once per job reaching done, with its generations', () => {
    const store = new JobsStore();
    const done: string[][] = [];
    store.onDone((j) => done.push(j.generationIds));
    store.upsert(job('j1', 'running'));
    store.upsert(job('j1', 'done', { generationIds: ['7'] }));
    store.upsert(job('j1', 'done', { generationIds: ['7'] }));
    store.upsert(job('j2', 'failed'));
    assert.deepEqual(done, [['7']]);
  });

  test('connect loads the list and follows events until disconnected', async () => {
    const listeners = new Set<(m: EventMessage) => void>();
    const api: GlimmerApi = {
      call: (async (method: string) => (method === 'jobs.list' ? { ok: true, value: { jobs: [job('j5', 'waiting')] } } : { ok: false, error: { code: 'bad_request', message: '' } })) as GlimmerApi['call'],
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const store = new JobsStore();
    const off = store.connect(api);
    await new Promise((r) => setImmediate(r));
    assert.equal(store.getState().loaded, true);
    assert.deepEqual(store.getState().jobs.map((j) => j.id), ['j5']);
    for (const l of listeners) l({ event: 'job.updated', payload: { job: job('j6', 'waiting') } });
    assert.equal(store.getState().jobs.length, 2);
    off();
    assert.equal(listeners.size, 0);
  });
});
