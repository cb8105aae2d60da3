/** The text check in the studio: the checked image with its boxes and panel, the best-of-N group strip (their words: the textCheck messages). */
export { CheckedImage, type CheckedImageProps } from './CheckedImage';
export { GroupStrip } from './GroupStrip';
export { TextBoxesOverlay } from './TextBoxesOverlay';
export { TextCheckPanel, type TextCheckPanelProps } from './TextCheckPanel';
export { useTextCheck, type LiveTextCheck } from './useTextCheck';
export { overlayBoxes, summaryLine, targetRows, type OverlayBox, type TargetRow } from './view';
