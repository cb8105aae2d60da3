/**
 * The library: generation history, projects, tags, favourites, trash, the persisted job queue
 * (SQLite), the content-addressed image store with thumbnails, and recipes in PNG metadata.
 * Plain Node (no Electron).
 */
export { Library, openLibrary, rebuildLibrary, type NewGeneration, type OpenLibraryOptions, type OpenReport, type ReferenceInput } from './library';
export { openDatabase, databasePath, schemaVersion, DB_FILE, SCHEMA_VERSION, type OpenDatabaseOptions } from './db/open';
export { migrations, APPLICATION_ID, type Migration } from './db/migrations';
export { toFtsQuery } from './fts-query';
export { searchableText } from './search-text';
export { JobStore, type JobUpdate } from './jobs';
export { mediaPaths } from './rows';
export { MAX_IMPORT_BYTES, type ImportInput, type ImportOptions } from './import';
export type { ExportResult } from './export';
export type { RebuildReport } from './rebuild';
export type { GenerationPatch } from './generations';
export { generatedPng, type ImageInput } from './image-input';
export type * from './types';
export * as png from './png';
export { RECIPE_KEYWORD } from './png/metadata';
export {
  ImageStore,
  sha256,
  isHash,
  storeRoots,
  inspectHeader,
  sniffFormat,
  makeThumbnails,
  THUMB_SIZES,
  MAX_INPUT_PIXELS,
  MAX_SIDE,
  type ImageFormat,
  type ThumbSize,
  type StoreRoots,
} from './store';
