/** Reference-image tokenizer runtime (ViT + VQ on onnxruntime): image → VQ ids. */
export { VisionTokenizer, type VisionTokens } from './tokenizer';
export { positionGrid } from './position-grid';
