/** Image decoding, the reference processor's resampling/normalisation/patchify, and VAE pixel I/O. */
export { decodeImage, decodeImageFile, probeImage, DEFAULT_DECODE_LIMITS, SUPPORTED_FORMATS } from './decode';
export type { DecodedImage, DecodeLimits, ImageFormat } from './decode';
export { resample, axisCoefficients } from './resample';
export type { RgbImage, ResampleKernel } from './resample';
export { readImageProcessorConfig, parseImageProcessorConfig } from './processor-config';
export type { ImageProcessorConfig } from './processor-config';
export { patchifyReference, visionInputSize } from './patchify';
export type { PatchifiedImage } from './patchify';
export { vaeInputFromImage, vaeInputSize, pixelsFromVaeOutput } from './vae-io';
export type { VaeInput, DecodedPixels } from './vae-io';
