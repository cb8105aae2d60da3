/** Reading named weights with their expected shape checked (a config that does not match its weights fails clearly). */
import { NativeModelError } from '../errors';
import type { SafetensorsCheckpoint } from '../safetensors';

export class WeightReader {
  constructor(
    private readonly ckpt: SafetensorsCheckpoint,
    private readonly prefix: string,
    private readonly where: string,
  ) {}

  has(name: string): boolean {
    return this.ckpt.has(this.prefix + name);
  }

  async read(name: string, shape: number[]): Promise<Float32Array> {
    const full = this.prefix + name;
    if (!this.ckpt.has(full)) {
      throw new NativeModelError('model_corrupt', `The weight ${full} is missing from ${this.where}; the checkpoint is incomplete or not this model.`, {
        weight: full,
        file: this.where,
      });
    }
    const got = this.ckpt.entry(full).shape;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new NativeModelError(
        'model_corrupt',
        `The weight ${full} in ${this.where} has shape [${got.join(', ')}] but config.json implies [${shape.join(', ')}]; the config does not match the weights.`,
        { weight: full, file: this.where, shape: got, expected: shape },
      );
    }
    return this.ckpt.readFloat32(full);
  }
}
