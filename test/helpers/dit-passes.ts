/**
 * Turning a recorded dit.N call into the engine's pass types, and replaying a case's calls in order
 * (reference passes first, then (cond, uncond) per step), shared by the DiT parity tests.
 */
import assert from 'node:assert/strict';
import { denoise, ReferenceKvCache, type DitModel, type DitPass, type ReferencePass } from '../../main/engine/dit';
import type { Schedule } from '../../main/engine/scheduler';
import type { CaseGoldens, DitCall } from './dit-goldens';

function uniformDrop(call: DitCall): boolean {
  const d = call.priorTokenDrop.data;
  const first = d[0];
  for (let i = 1; i < d.length; i++) assert.equal(d[i], first, `dit.${call.index}: prior_token_drop is not uniform`);
  return first === 1n;
}

export function referencePassOf(call: DitCall): ReferencePass {
  const [, , h, w] = call.hiddenStates.dims;
  assert.equal(call.encoderHiddenStates.dims[1], 0, 'a reference pass has no glyph text');
  assert.equal(call.timestep[0], 0, 'a reference pass runs at t = 0');
  assert.equal(uniformDrop(call), false);
  return {
    latentHeight: h,
    latentWidth: w,
    latents: call.hiddenStates.data,
    priorTokenIds: call.priorTokenId.data,
    targetSize: [call.targetSize[0], call.targetSize[1]],
  };
}

export function denoisePassOf(call: DitCall, reference?: ReferenceKvCache): DitPass {
  const [, , h, w] = call.hiddenStates.dims;
  const drop = uniformDrop(call);
  return {
    latentHeight: h,
    latentWidth: w,
    latents: call.hiddenStates.data,
    glyphs: call.encoderHiddenStates.data,
    glyphTokens: call.encoderHiddenStates.dims[1],
    priorTokenIds: call.priorTokenId.data,
    dropPrior: drop,
    timestep: call.timestep[0],
    targetSize: [call.targetSize[0], call.targetSize[1]],
    cropCoords: [call.cropCoords[0], call.cropCoords[1]],
    // the conditional passes read the reference cache; unconditional ones skip it
    reference: drop ? undefined : reference,
  };
}

export interface ReplayedCall {
  call: DitCall;
  kind: 'reference' | 'cond' | 'uncond';
  output: Float32Array;
}

/** Every recorded call of a case through the model, in order; yields each output beside its call. */
export async function* replayCalls(model: DitModel, g: CaseGoldens): AsyncGenerator<ReplayedCall> {
  const refs = g.referencePassCount();
  const caches: ReferenceKvCache[] = [];
  let reference: ReferenceKvCache | undefined;
  for (let i = 0; i < g.ditCallCount(); i++) {
    const call = await g.ditCall(i);
    if (i < refs) {
      const { cache, sample } = await model.encodeReference(referencePassOf(call));
      caches.push(cache);
      yield { call, kind: 'reference', output: sample };
      continue;
    }
    if (!reference && caches.length > 0) reference = ReferenceKvCache.concat(caches);
    const pass = denoisePassOf(call, reference);
    yield { call, kind: pass.dropPrior ? 'uncond' : 'cond', output: await model.predict(pass) };
  }
}

export interface CaseLoopResult {
  /** Final latents, model space [1, C, h, w]. */
  latents: Float32Array;
  channels: number;
  progress: number[];
  /** The latents after each step, as reported to onStep. */
  stepLatents: Float32Array[];
}

/**
 * The case's whole denoising loop through `denoise`, from its recorded initial noise, glyph
 * embeddings and prior ids (reference passes first for image-to-image).
 */
export async function runCaseLoop(
  model: DitModel,
  g: CaseGoldens,
  schedule: Schedule,
): Promise<CaseLoopResult> {
  const refs = g.referencePassCount();
  const caches: ReferenceKvCache[] = [];
  for (let i = 0; i < refs; i++) caches.push((await model.encodeReference(referencePassOf(await g.ditCall(i)))).cache);
  const cond = await g.ditCall(g.condCall(0));
  const uncond = g.passesPerStep() > 1 ? await g.ditCall(g.condCall(0) + 1) : cond; // unused without guidance
  const [, channels, h, w] = cond.hiddenStates.dims;
  const progress: number[] = [];
  const stepLatents: Float32Array[] = [];
  const latents = await denoise(model, {
    schedule,
    guidanceScale: g.request.guidanceScale,
    latentHeight: h,
    latentWidth: w,
    latents: cond.hiddenStates.data,
    cond: { glyphs: cond.encoderHiddenStates.data, glyphTokens: cond.encoderHiddenStates.dims[1] },
    uncond: { glyphs: uncond.encoderHiddenStates.data, glyphTokens: uncond.encoderHiddenStates.dims[1] },
    priorTokenIds: cond.priorTokenId.data,
    targetSize: [g.request.height, g.request.width],
    reference: caches.length > 0 ? ReferenceKvCache.concat(caches) : undefined,
    onStep: (step, _total, current) => {
      progress.push(step);
      stepLatents.push(current);
    },
  });
  return { latents, channels, progress, stepLatents };
}
