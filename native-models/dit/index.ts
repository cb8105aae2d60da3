/**
 * The GLM-Image diffusion transformer as ONNX: buildDit(componentDir, outDir, { precision, compute, attention }).
 * io.ts documents the graph's inputs and outputs, including the reference-image KV cache.
 */
export { buildDit, type DitBuildOptions, type DitModelDescription } from './build';
export { loadDitConfig, parseDitConfig, type DitConfig } from './config';
export { DEFAULT_DIT_ISLANDS, type DitAttention, type DitIslands } from './context';
export { DIT_INPUTS, DIT_OUTPUTS, ditInputSpecs, ditOutputSpecs, type TensorSpec } from './io';
