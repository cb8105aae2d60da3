/** VAE runtime: latents ⇄ pixels with the pipeline's latent statistics. */
export { Vae, DEFAULT_DECODE_TILES, vaeRuntimeConfig, type VaeModelFiles, type VaeRuntimeConfig, type EncodedImage } from './vae';
export { checkLatentShape, denormalizeLatents, normalizeLatents, type LatentShape, type LatentStats } from './latents';
export { runTiled, tileStarts, rampWeight, type TileSpec, type TiledRun } from './tiles';
