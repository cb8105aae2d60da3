/**
 * Reading a case's recorded DiT calls and scheduler tensors from golden/<case>.safetensors, and the
 * fixture tolerance check (abs err <= rel · max|ref|). Used by the test/parity/dit-*.test.ts files.
 */
import { SafetensorsCheckpoint } from '../../native-models/safetensors';
import { caseTensorsPath, readCaseMeta } from './fixtures';

export interface DitCall {
  index: number;
  hiddenStates: { data: Float32Array; dims: number[] };
  encoderHiddenStates: { data: Float32Array; dims: number[] };
  priorTokenId: { data: BigInt64Array; dims: number[] };
  priorTokenDrop: { data: BigInt64Array; dims: number[] };
  timestep: Float32Array;
  targetSize: Float32Array;
  cropCoords: Float32Array;
  out: { data: Float32Array; dims: number[] };
}

export interface CaseRequest {
  name: string;
  prompt: string;
  height: number;
  width: number;
  steps: number;
  guidanceScale: number;
}

export class CaseGoldens {
  private constructor(
    readonly name: string,
    readonly request: CaseRequest,
    private readonly st: SafetensorsCheckpoint,
  ) {}

  static async open(caseName: string): Promise<CaseGoldens> {
    const meta = readCaseMeta(caseName) as Record<string, unknown>;
    const request: CaseRequest = {
      name: caseName,
      prompt: String(meta.prompt),
      height: Number(meta.height),
      width: Number(meta.width),
      steps: Number(meta.steps),
      guidanceScale: Number(meta.guidance_scale),
    };
    return new CaseGoldens(caseName, request, await SafetensorsCheckpoint.open(caseTensorsPath(caseName)));
  }

  has(name: string): boolean {
    return this.st.has(name);
  }

  dims(name: string): number[] {
    return this.st.entry(name).shape;
  }

  async float(name: string): Promise<{ data: Float32Array; dims: number[] }> {
    return { data: await this.st.readFloat32(name), dims: this.dims(name) };
  }

  /** Any numeric tensor as float32 (target_size is int64 in the reference-image pass). */
  async floatAny(name: string): Promise<Float32Array> {
    const dt = this.st.entry(name).dtype;
    if (dt === 'I64' || dt === 'I32') return Float32Array.from(await this.st.readInt64(name), (v) => Number(v));
    return this.st.readFloat32(name);
  }

  async int(name: string): Promise<{ data: BigInt64Array; dims: number[] }> {
    return { data: await this.st.readInt64(name), dims: this.dims(name) };
  }

  /** Number of recorded DiT calls (dit.0 … dit.{n-1}). */
  ditCallCount(): number {
    let n = 0;
    while (this.st.has(`dit.${n}.out`)) n++;
    return n;
  }

  /** DiT calls per denoising step: cond + uncond with guidance (> 1), cond alone without. */
  passesPerStep(): number {
    return this.request.guidanceScale > 1 ? 2 : 1;
  }

  /** Reference-image passes come first; the rest are (cond[, uncond]) per step. */
  referencePassCount(): number {
    return this.ditCallCount() - this.passesPerStep() * this.request.steps;
  }

  /** Index of the conditional call of step i (the unconditional one follows it when guided). */
  condCall(step: number): number {
    return this.referencePassCount() + this.passesPerStep() * step;
  }

  async ditCall(i: number): Promise<DitCall> {
    const p = `dit.${i}.`;
    return {
      index: i,
      hiddenStates: await this.float(`${p}hidden_states`),
      encoderHiddenStates: await this.float(`${p}encoder_hidden_states`),
      priorTokenId: await this.int(`${p}prior_token_id`),
      priorTokenDrop: await this.int(`${p}prior_token_drop`),
      timestep: await this.floatAny(`${p}timestep`),
      targetSize: await this.floatAny(`${p}target_size`),
      cropCoords: await this.floatAny(`${p}crop_coords`),
      out: await this.float(`${p}out`),
    };
  }

  async close(): Promise<void> {
    await this.st.close();
  }
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}

/** The fixture README's rule: max |got − ref| <= rel · max |ref|. Returns the measured ratio err / max|ref|. */
export function relativeError(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  const scale = maxAbs(ref);
  const err = maxAbsDiff(got, ref);
  return scale === 0 ? err : err / scale;
}
