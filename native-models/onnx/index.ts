/** The ONNX writer: GraphBuilder (protobufjs, external data), weight precision, shared blocks. */
export type { ElemType, Dim, AttrValue, TensorAttr, OpOptions, InitializerData } from './types';
export { ELEM_BYTES } from './types';
export { GraphBuilder, INLINE_MAX_BYTES, type SaveResult, type GraphBuilderOptions } from './builder';
export { DATA_ALIGN } from './data-file';
export { IR_VERSION, OPSET_ONNX, OPSET_MS, DATA_TYPE } from './schema';
export {
  linear,
  toFloat16,
  fromFloat16,
  transposeWeight,
  quantizeBlockwise,
  dequantizeBlockwise,
  WEIGHT_PRECISIONS,
  type WeightPrecision,
  type LinearOptions,
  type BlockQuantized,
} from './precision';
export {
  rmsNorm,
  layerNorm,
  gelu,
  silu,
  attention,
  multiHeadAttention,
  repeatKv,
  type AttentionOptions,
  type MultiHeadAttentionOptions,
  type BlockOptions,
  type NormOptions,
} from './blocks';
export { Compute, COMPUTE_PRECISIONS, computeElemType, parseComputePrecision, type ComputePrecision } from './compute';
