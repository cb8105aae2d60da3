/**
 * AR parity through the real path: checkpoint → native-models/ar → .onnx → onnxruntime-node CPU →
 * the generation loop with the KV cache. Feeding the recorded tokens one at a time (teacher forcing)
 * must reproduce ar.step_logits at every step of every case (|err| <= 1e-3 * max|ref|), and the
 * loop's grid bookkeeping must cut the recorded tokens into the grids the pipeline used (the DiT's
 * prior ids). Then the fp16, int8 and int4 variants are measured against fp32, and each is checked to
 * compute exactly what its stored weights imply.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArModel, generateImageTokens, type GenerateResult, upsampleNearest2x } from '../../main/engine/ar';
import { GlmImageProcessor, type ProcessedPrompt } from '../../main/engine/processor';
import { buildAr, expectedArWeights, readArConfig } from '../../native-models/ar';
import { dequantizeBlockwise, fromFloat16, quantizeBlockwise, toFloat16 } from '../../native-models/onnx';
import { SafetensorsCheckpoint, type TensorToWrite, writeSafetensors } from '../../native-models/safetensors';
import { listCases } from '../helpers/fixtures';
import { arComponentDir, caseRequest, goldenInts, lastDitCall, processorDir, withGolden } from './ar-golden';

interface CaseData {
  prompt: ProcessedPrompt;
  inputIds: number[];
  generated: number[];
  stepLogits: Float32Array;
  steps: number;
  ditPrior: number[];
}

const processor = GlmImageProcessor.load(processorDir());
const cases = listCases();
const outDir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-ar-parity-'));
const models: Record<string, ArModel> = {};
const data: Record<string, CaseData> = {};

async function loadCase(name: string): Promise<CaseData> {
  const req = caseRequest(name);
  const prompt = req.ref
    ? processor.imageToImage({ ...req, references: [{ height: req.ref[0], width: req.ref[1] }] })
    : processor.textToImage(req);
  return withGolden(name, async (g) => {
    // i2i: the reference image's VQ ids come from the vision encoder (golden), into the placeholders
    const inputIds = req.ref ? processor.fillImageTokens(prompt.inputIds, await goldenInts(g, 'vision.token_ids_d32')) : prompt.inputIds;
    const seq = await goldenInts(g, 'ar.sequences');
    const stepLogits = await g.readFloat32('ar.step_logits');
    const steps = g.entry('ar.step_logits').shape[0];
    return {
      prompt,
      inputIds,
      generated: seq.slice(prompt.inputIds.length),
      stepLogits,
      steps,
      ditPrior: await goldenInts(g, `dit.${lastDitCall(g)}.prior_token_id`),
    };
  });
}

async function teacherForced(model: ArModel, c: CaseData): Promise<{ logits: Float32Array[]; result: GenerateResult }> {
  const logits: Float32Array[] = [];
  const result = await generateImageTokens(
    model,
    { inputIds: c.inputIds, rope: c.prompt.rope },
    {
      rng: { nextFloat: () => assert.fail('teacher forcing must not draw random numbers') },
      codebookSize: model.manifest.config.codebookSize,
      endTokenId: model.manifest.config.eosTokenId,
      teacherTokens: c.generated,
      sampleEndStep: true,
      onLogits: (_step, l) => logits.push(l),
    },
  );
  return { logits, result };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

before(async () => {
  assert.ok(cases.length > 0, 'no golden cases found');
  for (const name of cases) data[name] = await loadCase(name);
  const built = await buildAr(arComponentDir(), outDir, { precision: 'fp32', baseName: 'ar_fp32' });
  models.fp32 = await ArModel.load(built.manifestPath);
});

after(async () => {
  for (const m of Object.values(models)) await m.release();
  rmSync(outDir, { recursive: true, force: true });
});

describe('AR fp32 teacher-forced logits', () => {
  for (const name of cases) {
    test(`${name}: ar.step_logits at every step`, async () => {
      const c = data[name];
      const V = models.fp32.vocabSize;
      assert.equal(c.stepLogits.length, c.steps * V, 'golden logits width = lm_head size');
      const { logits } = await teacherForced(models.fp32, c);
      assert.equal(logits.length, c.steps, 'one logits vector per generated token');
      const ref = c.stepLogits;
      const tol = 1e-3 * maxAbs(ref);
      let worst = 0;
      let worstStep = -1;
      for (let k = 0; k < c.steps; k++) {
        const got = logits[k];
        for (let i = 0; i < V; i++) {
          const e = Math.abs(got[i] - ref[k * V + i]);
          if (e > worst) {
            worst = e;
            worstStep = k;
          }
        }
      }
      console.log(`# ${name}: ${c.steps} steps, max |err| ${worst.toExponential(3)} (tolerance ${tol.toExponential(3)})`);
      assert.ok(worst <= tol, `step ${worstStep}: max |err| ${worst} > ${tol}`);
    });

    test(`${name}: grid bookkeeping of the loop`, async () => {
      const c = data[name];
      const { result } = await teacherForced(models.fp32, c);
      const grids = c.prompt.rope.generationGrids;
      const cells = grids.reduce((s, g) => s + g.h * g.w, 0);
      assert.equal(c.steps, cells + 1, 'the reference generates every grid cell plus the end step');
      assert.deepEqual(result.tokens, c.generated.slice(0, c.steps));
      assert.deepEqual(result.target.shape, c.prompt.target);
      if (c.prompt.withPreview) {
        assert.deepEqual(result.preview?.shape, c.prompt.preview);
        const np = c.prompt.preview!.h * c.prompt.preview!.w;
        assert.deepEqual(Array.from(result.preview!.ids), c.generated.slice(0, np));
        assert.deepEqual(Array.from(result.target.ids), c.generated.slice(np, np + c.prompt.target.h * c.prompt.target.w));
      } else {
        assert.equal(result.preview, undefined);
        assert.deepEqual(Array.from(result.target.ids), c.generated.slice(0, c.prompt.target.h * c.prompt.target.w));
      }
      const ditPrior = upsampleNearest2x(result.target.ids, result.target.shape);
      assert.deepEqual(ditPrior.shape, { h: 2 * c.prompt.target.h, w: 2 * c.prompt.target.w });
      assert.deepEqual(Array.from(ditPrior.ids), c.ditPrior, 'upsampled target grid = the DiT prior ids');
      assert.equal(result.endToken, c.generated[c.steps - 1]);
    });
  }
});

/**
 * The checkpoint as a precision variant stores it, in fp32: linear weights fp16-rounded or int4
 * quantised-then-dequantised (the block layout MatMulNBits and GatherBlockQuantized read), the
 * embedding table likewise.
 * An fp32 graph of this checkpoint is the independent expectation of the variant's graph.
 */
async function simulatedCheckpoint(precision: 'fp16' | 'int8' | 'int4', blockSize: number): Promise<string> {
  const dir = path.join(outDir, `simulated_${precision}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(arComponentDir(), 'config.json'), path.join(dir, 'config.json'));
  const config = readArConfig(arComponentDir());
  const ckpt = await SafetensorsCheckpoint.open(arComponentDir());
  const tensors: Record<string, TensorToWrite> = {};
  try {
    for (const [name, shape] of expectedArWeights(config)) {
      let w = await ckpt.readFloat32(name);
      if (shape.length === 2) {
        // matrices: linear weights and the embedding table, stored the same way
        w =
          precision === 'fp16'
            ? fromFloat16(toFloat16(w))
            : dequantizeBlockwise(quantizeBlockwise(w, shape[0], shape[1], precision === 'int8' ? 8 : 4, blockSize), shape[0], shape[1]);
      }
      tensors[name] = { dtype: 'F32', shape, data: w };
    }
  } finally {
    await ckpt.close();
  }
  await writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  return dir;
}

function compare(ref: Float32Array[], got: Float32Array[]): { maxRel: number; rmsRel: number; top1: number; maxErr: number; maxRef: number } {
  let maxErr = 0;
  let maxRef = 0;
  let se = 0;
  let sr = 0;
  let agree = 0;
  for (let k = 0; k < ref.length; k++) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < ref[k].length; i++) {
      const e = got[k][i] - ref[k][i];
      maxErr = Math.max(maxErr, Math.abs(e));
      maxRef = Math.max(maxRef, Math.abs(ref[k][i]));
      se += e * e;
      sr += ref[k][i] * ref[k][i];
      if (ref[k][i] > ref[k][a]) a = i;
      if (got[k][i] > got[k][b]) b = i;
    }
    agree += a === b ? 1 : 0;
  }
  return { maxRel: maxErr / maxRef, rmsRel: Math.sqrt(se / sr), top1: agree / ref.length, maxErr, maxRef };
}

describe('AR precision variants vs fp32', () => {
  // Sanity bounds. The exact check is the one against the fp32 graph of the stored weights; the
  // distance to fp32 is quantisation noise, large for int4 on these random, structure-free weights
  // (about 8% per weight for 4-bit blocks of 32 gaussian values, compounded over the layers).
  const bounds = { fp16: { maxRel: 5e-3, rmsRel: 2e-3, top1: 0.95 }, int8: { maxRel: 0.05, rmsRel: 0.03, top1: 0.9 }, int4: { maxRel: 0.6, rmsRel: 0.4, top1: 0.6 } };
  for (const precision of ['fp16', 'int8', 'int4'] as const) {
    test(`${precision}: logits error vs fp32 on every case, and exactly the stored weights' function`, async () => {
      const blockSize = 32;
      const built = await buildAr(arComponentDir(), outDir, { precision, baseName: `ar_${precision}`, blockSize });
      const model = (models[precision] = await ArModel.load(built.manifestPath));
      const simBuilt = await buildAr(await simulatedCheckpoint(precision, blockSize), outDir, { precision: 'fp32', baseName: `ar_sim_${precision}` });
      const sim = (models[`sim_${precision}`] = await ArModel.load(simBuilt.manifestPath));
      const all = { ref: [] as Float32Array[], got: [] as Float32Array[], sim: [] as Float32Array[] };
      for (const name of cases) {
        const c = data[name];
        const ref = (await teacherForced(models.fp32, c)).logits;
        const got = (await teacherForced(model, c)).logits;
        const s = compare(ref, got);
        console.log(
          `# ${precision} ${name}: max |err| ${s.maxErr.toExponential(3)} (max |fp32| ${s.maxRef.toFixed(4)}), max rel ${s.maxRel.toExponential(3)}, rms rel ${s.rmsRel.toExponential(3)}, top-1 agree ${(100 * s.top1).toFixed(1)}%`,
        );
        all.ref.push(...ref);
        all.got.push(...got);
        all.sim.push(...(await teacherForced(sim, c)).logits);
      }
      const s = compare(all.ref, all.got);
      const vsSim = compare(all.sim, all.got);
      console.log(
        `# ${precision} all cases (${all.ref.length} steps): max rel ${s.maxRel.toExponential(3)}, rms rel ${s.rmsRel.toExponential(3)}, top-1 agree ${(100 * s.top1).toFixed(1)}%; vs fp32 graph of its own stored weights: max rel ${vsSim.maxRel.toExponential(3)}; ${(built.bytes / 1e6).toFixed(2)} MB`,
      );
      assert.ok(vsSim.maxRel <= 1e-4, `${precision} graph differs from the fp32 graph of the same weights: ${vsSim.maxRel}`);
      assert.ok(s.maxRel > 0, `${precision} must differ from fp32 (was the precision applied?)`);
      const b = bounds[precision];
      assert.ok(s.maxRel <= b.maxRel, `${precision}: max relative logit error ${s.maxRel} above ${b.maxRel}`);
      assert.ok(s.rmsRel <= b.rmsRel, `${precision}: rms relative logit error ${s.rmsRel} above ${b.rmsRel}`);
      assert.ok(s.top1 >= b.top1, `${precision}: top-1 agreement ${s.top1} below ${b.top1}`);
    });
  }
});
