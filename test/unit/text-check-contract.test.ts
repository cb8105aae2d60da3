/**
 * The text check's pieces without models: the low-priority task queue of the engine thread (preempted
 * by jobs, cancellable), best-of-N ranking, the request rule for "keep the best by text", the stored
 * result's schema, and what the studio's panel, box overlay and prompt editor make of them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bestByTextProblem, GenerateRequest, parseTextCheck, rankByText, type TextCheck } from '../../main/contract';
import { IdleTasks } from '../../main/engine/host/idle-tasks';
import { draftProblem, draftRequest, DEFAULT_DRAFT, quoteWarnings } from '../../renderer/src/generate';
import { overlayBoxes, summaryLine, targetRows } from '../../renderer/src/text-check/view';

/** A task the test finishes by hand; records each run and whether its signal was aborted. */
function manualTask(id: string, log: string[]) {
  const runs: Array<{ resolve(v: string): void; reject(e: unknown): void; signal: AbortSignal }> = [];
  const outcomes: Array<{ ok: boolean; value?: string; code?: string }> = [];
  const task = {
    id,
    run: (signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        log.push(`run ${id}`);
        runs.push({ resolve, reject, signal });
        signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'cancelled' })), { once: true });
      }),
    settle: (o: { ok: true; value: string } | { ok: false; error: unknown }) => {
      log.push(`settle ${id}`);
      outcomes.push(o.ok ? { ok: true, value: o.value } : { ok: false, code: (o.error as { code?: string }).code });
    },
  };
  return { task, runs, outcomes };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('engine thread: text checks between jobs (IdleTasks)', () => {
  test('one task at a time, in order, never while a job runs', async () => {
    const log: string[] = [];
    const q = new IdleTasks<string>();
    q.jobStarted();
    const a = manualTask('a', log);
    const b = manualTask('b', log);
    q.add(a.task);
    q.add(b.task);
    await tick();
    assert.deepEqual(log, [], 'nothing runs during a job');
    q.jobEnded();
    await tick();
    assert.deepEqual(log, ['run a']);
    a.runs[0]!.resolve('A');
    await tick();
    assert.deepEqual(log, ['run a', 'settle a', 'run b']);
    b.runs[0]!.resolve('B');
    await tick();
    assert.deepEqual(a.outcomes, [{ ok: true, value: 'A' }]);
    assert.deepEqual(b.outcomes, [{ ok: true, value: 'B' }]);
    assert.equal(q.pending, 0);
  });

  test('a job preempts the running task, which runs again from the start when the job ends', async () => {
    const log: string[] = [];
    const q = new IdleTasks<string>();
    const a = manualTask('a', log);
    q.add(a.task);
    await tick();
    q.jobStarted();
    assert.equal(a.runs[0]!.signal.aborted, true, 'stopped at its next checkpoint');
    await tick();
    assert.deepEqual(a.outcomes, [], 'a preempted task is not settled');
    assert.equal(q.preemptions, 1);
    assert.equal(q.pending, 1);
    q.jobEnded();
    await tick();
    assert.deepEqual(log, ['run a', 'run a']);
    a.runs[1]!.resolve('again');
    await tick();
    assert.deepEqual(a.outcomes, [{ ok: true, value: 'again' }]);
  });

  test('a task that finishes in spite of the preemption keeps its result', async () => {
    const q = new IdleTasks<string>();
    const settled: unknown[] = [];
    let finish!: (v: string) => void;
    q.add({ id: 'x', run: () => new Promise<string>((r) => (finish = r)), settle: (o) => settled.push(o) });
    await tick();
    q.jobStarted();
    finish('done anyway');
    await tick();
    assert.deepEqual(settled, [{ ok: true, value: 'done anyway' }]);
    q.jobEnded();
    await tick();
    assert.equal(q.pending, 0);
  });

  test('cancel: waiting and running tasks settle as cancelled; failures settle with their error', async () => {
    const log: string[] = [];
    const q = new IdleTasks<string>();
    const a = manualTask('a', log);
    const b = manualTask('b', log);
    q.add(a.task);
    q.add(b.task);
    await tick();
    assert.equal(q.cancel('b'), true);
    assert.deepEqual(b.outcomes, [{ ok: false, code: 'cancelled' }]);
    assert.equal(q.cancel('a'), true);
    await tick();
    assert.deepEqual(a.outcomes, [{ ok: false, code: 'cancelled' }]);
    assert.equal(q.cancel('nope'), false);
    const settled: Array<{ ok: boolean; error?: unknown }> = [];
    q.add({ id: 'bad', run: () => Promise.reject(new Error('the reader broke')), settle: (o) => settled.push(o) });
    q.add({ id: 'throws', run: () => { throw new Error('at once'); }, settle: (o) => settled.push(o) });
    await tick();
    await tick();
    assert.deepEqual(settled.map((o) => (o.ok ? 'ok' : (o.error as Error).message)), ['the reader broke', 'at once']);
  });
});

const check = (over: Partial<TextCheck> = {}): TextCheck => ({
  status: 'issues',
  message: 'm',
  targets: [],
  skipped: [],
  score: 0.5,
  found: 1,
  total: 2,
  wordAccuracy: 0.5,
  lines: [],
  width: 100,
  height: 50,
  truncated: false,
  provider: 'cpu',
  ms: 12,
  checkedAt: 1,
  ...over,
});

describe('engine thread: stopping for good (IdleTasks.close)', () => {
  test('waiting tasks settle as cancelled, the running one is stopped and awaited, later ones are refused', async () => {
    const log: string[] = [];
    const q = new IdleTasks<string>();
    const a = manualTask('a', log);
    const b = manualTask('b', log);
    q.add(a.task);
    q.add(b.task);
    await tick();
    let closed = false;
    const done = q.close().then(() => (closed = true));
    assert.deepEqual(b.outcomes, [{ ok: false, code: 'cancelled' }]);
    assert.equal(a.runs[0]!.signal.aborted, true);
    await done;
    assert.ok(closed);
    assert.deepEqual(a.outcomes, [{ ok: false, code: 'cancelled' }]);
    const c = manualTask('c', log);
    q.add(c.task);
    q.jobEnded();
    await tick();
    assert.deepEqual(c.outcomes, [{ ok: false, code: 'unavailable' }]);
    assert.deepEqual(log.filter((l) => l.startsWith('run')), ['run a'], 'nothing ran after close');
  });
});

describe('best of N: ranking and the request rule', () => {
  test('by score, then strings found, then word accuracy; unchecked last; ties in the order made', () => {
    const list = [
      check({ score: 0.5, found: 1 }),
      check({ score: 0.9, found: 0 }),
      null,
      check({ score: 0.5, found: 2 }),
      check({ score: 0.5, found: 2, wordAccuracy: 0.7 }),
      check({ score: 0.9, found: 0 }),
    ];
    assert.deepEqual(rankByText(list), [1, 5, 4, 3, 0, 2]);
    assert.deepEqual(rankByText([]), []);
  });

  test('keep the best by text needs count >= 2, quoted text with letters, and its own AR tokens', () => {
    const base = { mode: 'text' as const, prompt: 'a sign "OPEN"', count: 3, bestByText: true };
    assert.equal(bestByTextProblem(base), null);
    assert.equal(bestByTextProblem({ ...base, bestByText: false, count: 1 }), null);
    assert.match(bestByTextProblem({ ...base, count: 1 })!, /count of 2 or more/);
    assert.match(bestByTextProblem({ ...base, prompt: 'a sign' })!, /needs text in quotes/);
    assert.match(bestByTextProblem({ ...base, prompt: 'a sign "!!!"' })!, /needs text in quotes/);
    assert.match(bestByTextProblem({ ...base, prompt: "the cat's toy" })!, /needs text in quotes/, 'an in-word apostrophe quotes nothing');
    assert.match(bestByTextProblem({ ...base, reuseTokensOf: '3' })!, /cannot reuse the tokens/);
    const parsed = GenerateRequest.safeParse({ ...base, count: 1 });
    assert.ok(!parsed.success);
    assert.deepEqual(parsed.error.issues[0]!.path, ['bestByText']);
    assert.ok(GenerateRequest.safeParse(base).success);
  });

  test('a stored check is read back only when it parses, within bounds', () => {
    assert.deepEqual(parseTextCheck(check()), check());
    assert.equal(parseTextCheck({ ...check(), score: 2 }), undefined);
    assert.equal(parseTextCheck({ ...check(), status: 'great' }), undefined);
    assert.equal(parseTextCheck({ ...check(), lines: Array.from({ length: 501 }, () => ({ text: 'x', confidence: 1, box: [[0, 0], [1, 0], [1, 1], [0, 1]] })) }), undefined);
    assert.equal(parseTextCheck('{"status":"ok"}'), undefined);
  });
});

describe('studio: what the text check panel, the overlay and the prompt editor show', () => {
  const box = [[10, 20], [90, 20], [90, 40], [10, 40]] as const;
  const c = check({
    targets: [
      { target: 'GRAND OPENING', normalized: 'grandopening', mode: 'latin', found: true, similarity: 1, words: 2, correctWords: 2, wordAccuracy: 1, read: 'GRAND OPENING', lines: [0], boxes: [box] },
      { target: 'Fresh Coffee', normalized: 'freshcoffee', mode: 'latin', found: false, similarity: 10 / 11, words: 2, correctWords: 1, wordAccuracy: 0.5, read: 'Fresh Cofee', lines: [1], boxes: [box, box] },
      { target: 'SALE', normalized: 'sale', mode: 'latin', found: false, similarity: 0, words: 1, correctWords: 0, wordAccuracy: 0, read: null, lines: [], boxes: [] },
    ],
    found: 1,
    total: 3,
  });

  test('a tick per string read as written, a cross with the read text beside a miss', () => {
    assert.deepEqual(
      targetRows(c).map((r) => [r.target, r.found, r.read, r.detail]),
      [
        ['GRAND OPENING', true, null, 'read as written'],
        ['Fresh Coffee', false, 'Fresh Cofee', 'read “Fresh Cofee” · 91% alike'],
        ['SALE', false, null, 'not found'],
      ],
    );
    assert.equal(summaryLine(c), '1 of 3 quoted strings read as written');
    assert.equal(summaryLine(check({ found: 2, total: 2, status: 'ok' })), 'All 2 quoted strings read as written');
  });

  test('boxes: one polygon per line read, coloured by found, labelled once per string', () => {
    const boxes = overlayBoxes(c);
    assert.deepEqual(
      boxes.map((b) => [b.found, b.label, b.points]),
      [
        [true, '✓ GRAND OPENING', '10,20 90,20 90,40 10,40'],
        [false, '✗ Fresh Coffee', '10,20 90,20 90,40 10,40'],
        [false, '', '10,20 90,20 90,40 10,40'],
      ],
    );
    assert.deepEqual([boxes[0]!.x, boxes[0]!.y], [10, 20]);
  });

  test('the prompt editor names quote marks left open; an apostrophe in a word is not one', () => {
    assert.deepEqual(quoteWarnings("the cat's sign says 'OPEN'"), []);
    assert.deepEqual(quoteWarnings('a sign "OPEN'), ['The quote mark " at character 8 is never closed: the text after it is not drawn as lettering.']);
    assert.deepEqual(quoteWarnings('a sign OPEN”'), ['The quote mark ” at character 12 closes nothing: add the opening mark before the text to draw.']);
  });

  test('the generate form: keep the best by text is sent with its count, and refused without quotes', () => {
    const d = { ...DEFAULT_DRAFT, prompt: 'a sign "OPEN"', count: 4, bestByText: true };
    assert.equal(draftProblem(d), null);
    assert.deepEqual({ count: draftRequest(d).count, bestByText: draftRequest(d).bestByText }, { count: 4, bestByText: true });
    assert.equal(draftRequest({ ...d, bestByText: false }).bestByText, undefined);
    assert.match(draftProblem({ ...d, prompt: 'a sign' })!, /needs text in quotes/);
    assert.match(draftProblem({ ...d, count: 1 })!, /count of 2 or more/);
  });
});
