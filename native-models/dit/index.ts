/**
 * The GLM-Image diffusion transformer as ONNX: buildDit(componentDir, outDir, { precision }).
 * io.ts documents the graph's inputs and outputs, including the reference-image KV cache.
 */
export { buildDit, type DitBuildOptions, type DitModelDescription } from './build';
export { loadDitConfig, parseDitConfig, type DitConfig } from './config';
export { DIT_INPUTS, DIT_OUTPUTS, ditInputSpecs, ditOutputSpecs, type TensorSpec } from './io';
