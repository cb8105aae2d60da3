/** Generate panel logic without React: quoted-text ranges, sizes, seeds, progress wording. */
export { promptSegments, quotedRanges, type PromptSegment, type QuotedRange } from './quotes';
export { quoteWarnings } from './quote-warnings';
export { ASPECTS, isValidSide, MAX_SIDE, MIN_SIDE, SIDE_STEP, sizeFor, sizeLike, snapSide, TIERS, type Aspect, type TierId } from './sizes';
export { describeProgress, formatEta, phaseGroup, type ProgressView } from './progress';
export { DEFAULT_DRAFT, DraftStore, draftFromStored, draftProblem, draftRequest, draftSize, generateDraft, MODEL_SAMPLING, randomSeed, type GenerateDraft } from './draft';
export { recallFromRecipe, type RecallResult, type RecallNote } from './recall';
