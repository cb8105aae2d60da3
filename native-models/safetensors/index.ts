/** Lazy safetensors reading (single files and sharded checkpoints) and config.json loading. */
export type { SafetensorsDType } from './dtype';
export { DTYPE_BYTES } from './dtype';
export type { TensorEntry, ParsedHeader, ReadHeaderOptions } from './header';
export { readHeaderOfFile } from './header';
export { SafetensorsCheckpoint, isShardFileName } from './checkpoint';
export { readConfig } from './config';
export { encodeSafetensors, writeSafetensors, writeShardedSafetensors, type TensorToWrite } from './write';
