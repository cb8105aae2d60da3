/**
 * Every word the text check shows, in one place (plain English for now; they move into the i18n
 * catalogue as they are). Functions where a value goes into the sentence.
 */
export const TEXT_CHECK_STRINGS = {
  title: 'Text check',
  showBoxes: 'Show text boxes',
  checkNow: 'Check text',
  checkAgain: 'Check again',
  checking: 'Reading the text…',
  notChecked: 'Not checked yet: the quoted text is read back after each image, between jobs.',
  noTargets: 'The quoted text has no letters or digits to check.',
  found: 'read as written',
  missing: 'not found',
  readAs: (read: string) => `read “${read}”`,
  similarity: (pct: number) => `${pct}% alike`,
  summary: (found: number, total: number) => (found === total ? `All ${total} quoted ${total === 1 ? 'string' : 'strings'} read as written` : `${found} of ${total} quoted strings read as written`),
  truncated: 'Many text boxes: only the largest were read.',
  provider: (provider: string, ms: number) => `Read on ${provider} in ${(ms / 1000).toFixed(1)} s`,
  boxLabelFound: (target: string) => `✓ ${target}`,
  boxLabelMiss: (target: string) => `✗ ${target}`,
  overlayLabel: 'Where the quoted text was read',
  // best of N
  bestOf: (n: number) => `Best of ${n} by text`,
  alternate: (rank: number, n: number) => `Alternate ${rank} of ${n - 1}`,
  alternatesTitle: 'Other candidates',
  openCandidate: (id: string) => `Open candidate ${id}`,
  bestCandidate: 'Best candidate',
  bestOfNote: (n: number) => `Best of ${n} by text: the best first, the other candidates kept beside it as alternates.`,
  // filters and the generate form
  filterLabel: 'Text',
  filterAny: 'Any',
  filterOk: 'Text right',
  filterIssues: 'Text issues',
  keepBest: 'Keep the best by text',
  keepBestHelp: 'Makes Count candidates with different compositions and keeps them all, the one whose quoted text reads best first.',
  // prompt editor
  unbalanced: (mark: string, at: number, missing: 'open' | 'close') =>
    missing === 'close'
      ? `The quote mark ${mark} at character ${at + 1} is never closed: the text after it is not drawn as lettering.`
      : `The quote mark ${mark} at character ${at + 1} closes nothing: add the opening mark before the text to draw.`,
} as const;
