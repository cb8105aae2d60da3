/** The content-addressed image store: files, thumbnails, checks on incoming images. */
export { ImageStore, storeRoots, sha256, isHash, imageRel, thumbRel, type StoreRoots } from './image-store';
export { cleanStaleTemp } from './temp-files';
export { inspectHeader, sniffFormat, decoder, shortReason, MAX_INPUT_PIXELS, MAX_SIDE, FORMAT_EXT, type ImageFormat, type ImageInfo } from './inspect';
export { makeThumbnails, THUMB_SIZES, type ThumbSize } from './thumbnails';
