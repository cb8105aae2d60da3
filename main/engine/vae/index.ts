/** VAE runtime: latents ⇄ pixels with the pipeline's latent statistics. */
export { Vae, vaeRuntimeConfig, type VaeModelFiles, type VaeRuntimeConfig, type EncodedImage } from './vae';
export { checkLatentShape, denormalizeLatents, normalizeLatents, type LatentShape, type LatentStats } from './latents';
