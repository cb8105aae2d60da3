/**
 * The engine on the tiny fixture model, real sessions: reproducibility across memory profiles,
 * cancellation during AR and during DiT (stops within one token / one step, sessions freed),
 * masked edits (unmasked pixels are the source's; AR samples only masked cells), bad image files
 * refused with nothing else disturbed, and damaged model files named with the repair.
 */
import assert from 'node:assert/strict';
import { cpSync, truncateSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { type GenerateRequest, isCodedError } from '../../main/contract';
import { CompiledModel, decodeTokens, fitReference, type PipelineEvent, sourceIdsOnGrid } from '../../main/engine/pipeline';
import { compiledTinyModel, tempRoot, testEngine } from '../helpers/engine';

const t2i = (over: Partial<GenerateRequest> = {}): GenerateRequest =>
  ({ mode: 'text', prompt: "A sign that says 'OPEN'", width: 64, height: 64, steps: 3, guidance: 1.5, seed: 7, count: 1, ...over }) as GenerateRequest;

async function pngBase64(width: number, height: number, fill: (x: number, y: number) => [number, number, number]): Promise<{ b64: string; rgb: Uint8Array }> {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(fill(x, y), (y * width + x) * 3);
  const png = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { b64: png.toString('base64'), rgb };
}

function rejectsWith(code: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isCodedError(err), `expected an error with one of our codes, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

describe('engine on the tiny model', () => {
  let modelDir: string;
  before(async () => {
    modelDir = await compiledTinyModel();
  });

  test('one seed reproduces the image bit for bit, under both memory profiles; another seed does not', async () => {
    const resident = testEngine(modelDir, { memoryProfile: 'resident' });
    const sequential = testEngine(modelDir, { memoryProfile: 'sequential' });
    try {
      const [a] = await resident.generate(t2i());
      const [b] = await sequential.generate(t2i());
      const [c] = await resident.generate(t2i({ seed: 8 }));
      assert.deepEqual(Buffer.from(a!.pixels.rgb), Buffer.from(b!.pixels.rgb));
      assert.equal(a!.recipe.arTokensHash, b!.recipe.arTokensHash);
      assert.notDeepEqual(Buffer.from(a!.pixels.rgb), Buffer.from(c!.pixels.rgb));
      assert.equal(a!.recipe.tokensFrom, 'sampled');
      assert.equal(a!.recipe.seed, 7);
      assert.equal(b!.recipe.memoryProfile, 'sequential');
      // sequential keeps nothing loaded between jobs (each stage released its modules); resident keeps them
      const modules = (e: unknown) => (e as { loaded: { sessions: { loadedModules: string[] } } }).loaded.sessions.loadedModules.slice().sort();
      assert.deepEqual(modules(sequential), []);
      assert.deepEqual(modules(resident), ['ar', 'dit', 'glyph', 'vaeDecoder']);
      assert.equal(sequential.current!.model.id, a!.recipe.model);
      // "vary details": the same AR tokens with new noise
      const t = decodeTokens(a!.recipe)!;
      const [d] = await resident.generate(t2i({ seed: 99 }), { inject: { priorTokens: t.ids } });
      assert.equal(d!.recipe.arTokensHash, a!.recipe.arTokensHash);
      assert.notDeepEqual(Buffer.from(d!.pixels.rgb), Buffer.from(a!.pixels.rgb));
    } finally {
      await resident.dispose();
      await sequential.dispose();
    }
  });

  test('best of N by text: candidate k is exactly the image of AR seed base+k with the noise of the base seed; each is checked', async () => {
    for (const memoryProfile of ['resident', 'sequential'] as const) {
      const engine = testEngine(modelDir, { memoryProfile });
      try {
        const events: PipelineEvent[] = [];
        const best = await engine.generate(t2i({ count: 3, bestByText: true, seed: 20 }), { streamer: { put: (e) => events.push(e), end: () => undefined } });
        assert.equal(best.length, 3);
        for (const [k, c] of best.entries()) {
          // the AR tokens of seed 20+k (a plain run of that seed samples the same ones)...
          const [plain] = await engine.generate(t2i({ seed: 20 + k }));
          assert.equal(c.recipe.arTokensHash, plain!.recipe.arTokensHash, `candidate ${k}: tokens of AR seed ${20 + k}`);
          assert.deepEqual(c.recipe.seeds, { ar: 20 + k, noise: 20 });
          // ...drawn with the noise of seed 20: the same tokens injected into a seed-20 run give the same pixels
          const [again] = await engine.generate(t2i({ seed: 20 }), { inject: { priorTokens: c.arTokens } });
          assert.deepEqual(Buffer.from(c.pixels.rgb), Buffer.from(again!.pixels.rgb), `candidate ${k} (${memoryProfile})`);
          assert.ok(c.textCheck, 'checked before it is handed on');
          assert.deepEqual(c.textCheck.targets.map((t) => t.target), ['OPEN']);
          assert.equal(c.timings.check, c.textCheck.ms);
        }
        // one AR phase for all candidates (their tokens counted together), then per candidate DiT, VAE and the check
        const phases = events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1]);
        assert.deepEqual(phases.slice(phases.indexOf('ar')), ['ar', 'glyph', 'dit', 'vae', 'check', 'dit', 'vae', 'check', 'dit', 'vae', 'check']);
        const ar = events.filter((e) => e.phase === 'ar');
        assert.equal(ar[ar.length - 1]!.step, ar[ar.length - 1]!.total);
        assert.equal(ar[0]!.total % 3, 0);
      } finally {
        await engine.dispose();
      }
    }
  });

  test('progress: phases in order, ETA, token-grid and latent previews', async () => {
    const engine = testEngine(modelDir);
    const events: PipelineEvent[] = [];
    try {
      await engine.generate(t2i({ steps: 4 }), { streamer: { put: (e) => events.push(e), end: () => undefined } });
      const phases = events.map((e) => e.phase).filter((p, i, a) => a.indexOf(p) === i);
      assert.deepEqual(phases, ['tokenize', 'ar', 'glyph', 'dit', 'vae']);
      const ar = events.filter((e) => e.phase === 'ar');
      assert.equal(ar[ar.length - 1]!.step, ar[ar.length - 1]!.total);
      assert.ok(ar.some((e) => e.etaMs !== null && e.etaMs >= 0));
      const previews = events.filter((e) => e.preview).map((e) => [e.phase, e.preview!.kind, e.preview!.width, e.preview!.height]);
      // the preview grid and the target grid when each is complete, then latents during the DiT
      assert.ok(previews.filter((p) => p[1] === 'tokens').length === 2, JSON.stringify(previews));
      assert.ok(previews.some((p) => p[0] === 'dit' && p[1] === 'latents' && p[2] === 8 && p[3] === 8), JSON.stringify(previews));
      for (const e of events.filter((e) => e.preview)) assert.equal(e.preview!.rgb.length, e.preview!.width * e.preview!.height * 3);
    } finally {
      await engine.dispose();
    }
  });

  test('cancel during AR stops within one token and frees the sessions', async () => {
    const engine = testEngine(modelDir);
    const controller = new AbortController();
    const arSteps: number[] = [];
    let abortedAt = -1;
    const streamer = {
      put: (e: PipelineEvent) => {
        if (e.phase !== 'ar' || e.step === 0) return;
        arSteps.push(e.step);
        if (e.step === 5) {
          abortedAt = e.step;
          controller.abort();
        }
      },
      end: () => undefined,
    };
    try {
      await assert.rejects(engine.generate(t2i(), { signal: controller.signal, streamer }), rejectsWith('cancelled'));
      assert.equal(abortedAt, 5);
      assert.ok(Math.max(...arSteps) <= abortedAt + 1, `AR went on to token ${Math.max(...arSteps)} after the cancel at ${abortedAt}`);
      const loaded = (engine as unknown as { loaded: { sessions: { loadedModules: string[] } } }).loaded;
      assert.deepEqual(loaded.sessions.loadedModules, []);
      const [after] = await engine.generate(t2i({ steps: 1 }));
      assert.ok(after!.pixels.rgb.length > 0, 'the engine works after a cancel');
    } finally {
      await engine.dispose();
    }
  });

  test('cancel during DiT stops within one step and frees the sessions', async () => {
    const engine = testEngine(modelDir);
    const controller = new AbortController();
    const ditSteps: number[] = [];
    const phases: string[] = [];
    const streamer = {
      put: (e: PipelineEvent) => {
        phases.push(e.phase);
        if (e.phase !== 'dit' || e.step === 0) return;
        ditSteps.push(e.step);
        if (e.step === 1) controller.abort();
      },
      end: () => undefined,
    };
    try {
      await assert.rejects(engine.generate(t2i({ steps: 6 }), { signal: controller.signal, streamer }), rejectsWith('cancelled'));
      assert.deepEqual(ditSteps, [1]);
      assert.ok(!phases.slice(phases.indexOf('dit')).includes('vae'), 'no VAE decode after a cancel');
      const loaded = (engine as unknown as { loaded: { sessions: { loadedModules: string[] } } }).loaded;
      assert.deepEqual(loaded.sessions.loadedModules, []);
    } finally {
      await engine.dispose();
    }
  });

  test('masked edit: unmasked pixels are the source; the AR samples only masked cells', async () => {
    const W = 512;
    const src = await pngBase64(W, W, (x, y) => [(x * 255) / (W - 1), (y * 255) / (W - 1), ((x >> 5) + (y >> 5)) % 2 ? 220 : 30]);
    // change the left half (white), keep the right half (black)
    const mask = await pngBase64(W, W, (x) => (x < W / 2 ? [255, 255, 255] : [0, 0, 0]));
    const engine = testEngine(modelDir);
    const req = (seed: number): GenerateRequest => ({
      mode: 'edit',
      prompt: 'make the left side blue',
      width: W,
      height: W,
      steps: 2,
      guidance: 1.5,
      seed,
      count: 1,
      images: [{ dataBase64: src.b64 }],
      mask: { dataBase64: mask.b64 },
    });
    try {
      const [a] = await engine.generate(req(1));
      const [b] = await engine.generate(req(2));
      let changed = 0;
      for (let y = 0; y < W; y++) {
        for (let x = 0; x < W; x++) {
          for (let c = 0; c < 3; c++) {
            const i = (y * W + x) * 3 + c;
            if (x >= W / 2) assert.equal(a!.pixels.rgb[i], src.rgb[i], `unmasked pixel (${x}, ${y}) channel ${c} changed`);
            else if (a!.pixels.rgb[i] !== src.rgb[i]) changed++;
          }
        }
      }
      assert.ok(changed > 1000, `the masked half should change (${changed} values did)`);
      // token level: unmasked cells hold the source's ids whatever the seed; masked ones are sampled
      const ta = decodeTokens(a!.recipe)!;
      const tb = decodeTokens(b!.recipe)!;
      let maskedDiffer = 0;
      for (let r = 0; r < ta.rows; r++) {
        for (let c = 0; c < ta.cols; c++) {
          const i = r * ta.cols + c;
          if (c >= ta.cols / 2) assert.equal(ta.ids[i], tb.ids[i], `unmasked cell ${r},${c} differs between seeds`);
          else if (ta.ids[i] !== tb.ids[i]) maskedDiffer++;
        }
      }
      assert.ok(maskedDiffer > 0, 'masked cells are sampled (differ between seeds)');
      assert.ok(a!.recipe.mask && /^[0-9a-f]{64}$/.test(a!.recipe.mask));
    } finally {
      await engine.dispose();
    }
  });

  test('outpaint: the original area keeps its pixels bit for bit and its AR cells are the source\'s VQ ids', async () => {
    const engine = testEngine(modelDir);
    const S = 256;
    const W = S + 128;
    try {
      // the tiny model's own image, then the canvas extended by 128 px on the right: the new area is
      // filled with each row's last pixel and is the mask (white), the original is kept (black)
      const [orig] = await engine.generate(t2i({ width: S, height: S, steps: 2, seed: 5 }));
      const o = orig!.pixels.rgb;
      const ext = await pngBase64(W, S, (x, y) => {
        const i = (y * S + Math.min(x, S - 1)) * 3;
        return [o[i]!, o[i + 1]!, o[i + 2]!];
      });
      const mask = await pngBase64(W, S, (x) => (x >= S ? [255, 255, 255] : [0, 0, 0]));
      const req = (seed: number): GenerateRequest => ({
        mode: 'edit',
        prompt: 'continue the picture to the right',
        width: W,
        height: S,
        steps: 2,
        guidance: 1.5,
        seed,
        count: 1,
        images: [{ dataBase64: ext.b64 }],
        mask: { dataBase64: mask.b64 },
      });
      const [a] = await engine.generate(req(11));
      assert.equal(a!.pixels.width, W);
      let changed = 0;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < W; x++) {
          for (let c = 0; c < 3; c++) {
            const i = (y * W + x) * 3 + c;
            if (x < S) assert.equal(a!.pixels.rgb[i], o[(y * S + x) * 3 + c], `original pixel (${x}, ${y}) channel ${c} changed`);
            else if (a!.pixels.rgb[i] !== ext.rgb[i]) changed++;
          }
        }
      }
      assert.ok(changed > 1000, `the new area is generated (${changed} values differ from the fill)`);

      // the source's VQ ids, computed here from the extended image through the vision tokenizer
      const sessions = (engine as unknown as { loaded: { sessions: { model: { processor: Parameters<typeof fitReference>[0]; imageProcessor: unknown }; get(k: 'vision'): Promise<{ tokenizeImage(img: unknown, p: unknown): Promise<{ ids: ArrayLike<number | bigint>; grid: number[] }> }> } } }).loaded.sessions;
      const fitted = await fitReference(sessions.model.processor, { data: ext.rgb, width: W, height: S, channels: 3 });
      const vision = await sessions.get('vision');
      const src = await vision.tokenizeImage(fitted, sessions.model.imageProcessor);
      const tokens = decodeTokens(a!.recipe)!;
      assert.deepEqual([tokens.rows, tokens.cols], [S / 32, W / 32]);
      const expected = sourceIdsOnGrid(src.ids, src.grid[1]!, src.grid[2]!, tokens.rows, tokens.cols);
      let newCells = 0;
      for (let r = 0; r < tokens.rows; r++) {
        for (let c = 0; c < tokens.cols; c++) {
          const i = r * tokens.cols + c;
          if (c < S / 32) assert.equal(tokens.ids[i], expected[i], `cell ${r},${c} of the original area is not the source's VQ id`);
          else if (tokens.ids[i] !== expected[i]) newCells++;
        }
      }
      assert.ok(newCells > 0, 'cells of the new area are sampled, not copied');
    } finally {
      await engine.dispose();
    }
  });

  test('a reference image of an awkward size is resized/cropped, not refused', async () => {
    const engine = testEngine(modelDir);
    const ref = await pngBase64(300, 200, (x, y) => [x % 256, y % 256, 128]);
    try {
      const [out] = await engine.generate({ mode: 'identity', prompt: 'the same subject at the beach', width: 64, height: 64, steps: 1, guidance: 1.5, seed: 3, count: 1, subject: { dataBase64: ref.b64 } });
      assert.equal(out!.pixels.width, 64);
      assert.equal(out!.recipe.mode, 'identity');
    } finally {
      await engine.dispose();
    }
  });

  test('a style transfer takes several style images: each is a condition image, in order, and changes the result', async () => {
    const engine = testEngine(modelDir);
    const content = await pngBase64(64, 64, (x, y) => [x * 4, y * 4, 90]);
    const warm = await pngBase64(64, 64, () => [230, 120, 40]);
    const cold = await pngBase64(96, 64, (x) => [20, 60, 160 + (x % 64)]);
    const req = { mode: 'style' as const, prompt: 'the same scene in these styles', width: 64, height: 64, steps: 1, guidance: 1.5, seed: 5, count: 1, content: { dataBase64: content.b64 }, style: { dataBase64: warm.b64 } };
    try {
      const [one] = await engine.generate(req);
      const [two] = await engine.generate({ ...req, moreStyles: [{ dataBase64: cold.b64 }] });
      assert.deepEqual(two!.references.map((r) => r.role), ['content', 'style', 'style']);
      assert.deepEqual(two!.recipe.references?.length, 3, 'the recipe names all three');
      assert.ok(Buffer.from(two!.references[2]!.bytes).equals(Buffer.from(cold.b64, 'base64')), 'the second style image as given');
      assert.notDeepEqual(two!.arTokens, one!.arTokens, 'the second style image is seen: the same seed draws other tokens');
    } finally {
      await engine.dispose();
    }
  });

  test('a bad image file is refused (bad_image) and nothing else is disturbed', async () => {
    const engine = testEngine(modelDir);
    try {
      const [before] = await engine.generate(t2i({ steps: 1 }));
      const loadedBefore = engine.current!.model;
      await assert.rejects(
        engine.generate({ mode: 'edit', prompt: 'x', width: 64, height: 64, steps: 1, guidance: 1.5, seed: 1, count: 1, images: [{ dataBase64: Buffer.from('not an image at all').toString('base64'), name: 'notes.txt' }] }),
        (err: unknown) => rejectsWith('bad_image')(err) && /notes\.txt/.test((err as Error).message),
      );
      assert.equal(engine.current!.model, loadedBefore, 'the loaded model is kept');
      const [after] = await engine.generate(t2i({ steps: 1 }));
      assert.deepEqual(Buffer.from(after!.pixels.rgb), Buffer.from(before!.pixels.rgb));
    } finally {
      await engine.dispose();
    }
  });

  test('a missing or damaged model file is named, with how to repair it', async () => {
    const copy = path.join(tempRoot(), 'damaged');
    cpSync(modelDir, copy, { recursive: true });
    const dataFile = path.join(copy, 'dit', 'dit-fp32.onnx.data');
    truncateSync(dataFile, 10);
    await assert.rejects(CompiledModel.open(copy), (err: unknown) => {
      rejectsWith('model_corrupt')(err);
      assert.match((err as Error).message, /dit-fp32\.onnx\.data/);
      assert.match((err as Error).message, /[Cc]ompile the model again/);
      return true;
    });
    unlinkSync(dataFile);
    const engine = testEngine(copy);
    try {
      await assert.rejects(engine.generate(t2i()), (err: unknown) => rejectsWith('model_missing')(err) && /dit-fp32\.onnx\.data/.test((err as Error).message));
      assert.match(engine.problem ?? '', /dit-fp32\.onnx\.data/);
    } finally {
      await engine.dispose();
    }
  });
});

describe('provider fallback per module', () => {
  test('a provider that cannot start a session falls back to the CPU and says why', async (t) => {
    // WebGPU ships with onnxruntime-node everywhere but needs a GPU adapter; where it works, there is nothing to fall back from
    const { detectProviders } = await import('../../main/engine/providers');
    const webgpu = (await detectProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.bundled || webgpu.available) {
      t.skip('WebGPU starts on this machine (or is not shipped): no failing provider to test with');
      return;
    }
    const model = await CompiledModel.open(await compiledTinyModel());
    const { ModuleSessions, runPipeline } = await import('../../main/engine/pipeline');
    const sessions = new ModuleSessions(model, 'webgpu', 'resident');
    try {
      const out = await runPipeline(
        { mode: 'text', prompt: 'a boat', width: 64, height: 64, steps: 1, guidance: 1.5, seed: 2, references: [] },
        { sessions, app: 'test' },
      );
      assert.ok(out.pixels.rgb.length === 64 * 64 * 3);
      assert.ok(sessions.fallbacks.size > 0);
      for (const [, why] of sessions.fallbacks) assert.match(why, /webgpu could not run it .*; using cpu/);
      assert.deepEqual(Object.keys(out.recipe.providerFallbacks ?? {}).sort(), [...sessions.fallbacks.keys()].sort());
    } finally {
      await sessions.releaseAll();
    }
  });
});
