/**
 * The sizes memory estimates need (memory.ts), read from a checkpoint folder: each component's
 * config.json, and the parameter count of every runtime module from the safetensors headers (no
 * tensor is read). compile.ts records both in the manifest, so a compiled folder estimates any tier
 * without its checkpoint.
 */
import path from 'node:path';
import { readArConfig } from './ar';
import { loadDitConfig } from './dit';
import { readT5EncoderConfig } from './glyph';
import type { ModelShapes, ModuleParams, RuntimeModule } from './memory';
import { SafetensorsCheckpoint } from './safetensors';
import { readVaeConfig } from './vae';
import { readVisionConfig } from './vision';

export function readModelShapes(checkpointDir: string): ModelShapes {
  const ar = readArConfig(path.join(checkpointDir, 'vision_language_encoder'));
  const { vision } = readVisionConfig(path.join(checkpointDir, 'vision_language_encoder'));
  const glyph = readT5EncoderConfig(path.join(checkpointDir, 'text_encoder'));
  const dit = loadDitConfig(path.join(checkpointDir, 'transformer'));
  const vae = readVaeConfig(path.join(checkpointDir, 'vae'));
  return {
    ar: { hiddenSize: ar.hiddenSize, numLayers: ar.numLayers, numKvHeads: ar.numKvHeads, headDim: ar.headDim, intermediateSize: ar.intermediateSize },
    vision: { hiddenSize: vision.hiddenSize, depth: vision.depth, intermediateSize: vision.intermediateSize, patchSize: vision.patchSize },
    glyph: { dModel: glyph.dModel, dFf: glyph.dFf, numHeads: glyph.numHeads },
    dit: { innerDim: dit.innerDim, numLayers: dit.numLayers, numHeads: dit.numHeads, patchSize: dit.patchSize, priorCodebookSize: dit.priorCodebookSize },
    vae: { blockOutChannels: vae.blockOutChannels, latentChannels: vae.latentChannels, scaleFactor: vae.scaleFactor },
  };
}

/** Which runtime module a checkpoint tensor belongs to (null: none, e.g. the VQ's unused decoder side). */
function ownerOf(component: string, name: string): RuntimeModule | null {
  switch (component) {
    case 'vision_language_encoder':
      if (/^(model\.)?vqmodel\.post_quant_conv\./.test(name)) return null;
      return /^(model\.)?(visual|vqmodel)\./.test(name) ? 'vision' : 'ar';
    case 'text_encoder':
      return 'glyph';
    case 'transformer':
      return 'dit';
    case 'vae':
      return /^(encoder\.|quant_conv\.)/.test(name) ? 'vaeEncoder' : 'vaeDecoder';
    default:
      return null;
  }
}

/** Parameters per runtime module, from the safetensors headers of a checkpoint folder. */
export async function readModuleParams(checkpointDir: string): Promise<ModuleParams> {
  const params: ModuleParams = { vision: 0, ar: 0, vaeEncoder: 0, glyph: 0, dit: 0, vaeDecoder: 0 };
  for (const component of ['vision_language_encoder', 'text_encoder', 'transformer', 'vae']) {
    const ckpt = await SafetensorsCheckpoint.open(path.join(checkpointDir, component));
    try {
      for (const name of ckpt.names()) {
        const owner = ownerOf(component, name);
        if (owner) params[owner] += ckpt.entry(name).shape.reduce((a, b) => a * b, 1);
      }
    } finally {
      await ckpt.close();
    }
  }
  return params;
}
