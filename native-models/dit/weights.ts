/**
 * Reading the DiT's tensors by their diffusers names with their expected shapes, and turning a
 * named nn.Linear into graph nodes at the chosen precision (native-models/onnx/precision: the one
 * place that decides how a weight is stored).
 */
import { NativeModelError } from '../errors';
import { type ComputePrecision, type GraphBuilder, linear, type WeightPrecision } from '../onnx';
import type { SafetensorsCheckpoint } from '../safetensors';

export class DitWeights {
  constructor(
    private readonly ckpt: SafetensorsCheckpoint,
    /** MatMulNBits accuracy_level for int8/int4 linears (unset: the runtime's default). */
    private readonly accuracyLevel?: number,
  ) {}

  /** A float tensor with exactly this shape, as float32. */
  async tensor(name: string, shape: number[]): Promise<Float32Array> {
    const e = this.ckpt.entry(name);
    if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      throw new NativeModelError(
        'model_corrupt',
        `The DiT weight "${name}" has shape [${e.shape}] but transformer/config.json implies [${shape}]. The checkpoint and its config do not match; re-download the model.`,
        { tensor: name, file: e.file },
      );
    }
    return this.ckpt.readFloat32(name);
  }

  /** y = x · Wᵀ + b for the nn.Linear `name` ([out, in] weight, bias); x and y of the compute type. */
  async linear(g: GraphBuilder, x: string, name: string, inF: number, outF: number, precision: WeightPrecision, compute: ComputePrecision = 'fp32'): Promise<string> {
    const w = await this.tensor(`${name}.weight`, [outF, inF]);
    const b = this.ckpt.has(`${name}.bias`) ? await this.tensor(`${name}.bias`, [outF]) : undefined;
    return linear(g, x, name, w, outF, inF, b, precision, { compute, ...(this.accuracyLevel !== undefined ? { accuracyLevel: this.accuracyLevel } : {}) });
  }
}
