/**
 * What the text check panel and the box overlay show, worked out without React (unit-tested): one row
 * per quoted string, the boxes with their colours and labels, the summary line.
 */
import type { TextBox, TextCheck } from '../../../main/contract';
import { TEXT_CHECK_STRINGS as S } from './strings';

export interface TargetRow {
  target: string;
  found: boolean;
  /** What was read where it fits best, shown beside a miss (null: nothing there, or it was found). */
  read: string | null;
  /** 0..100, shown beside a miss. */
  similarity: number;
  detail: string;
}

export function targetRows(check: TextCheck): TargetRow[] {
  return check.targets.map((t) => {
    const similarity = Math.round(t.similarity * 100);
    const read = t.found ? null : t.read;
    return {
      target: t.target,
      found: t.found,
      read,
      similarity,
      detail: t.found ? S.found : read === null || read === '' ? S.missing : `${S.readAs(read)} · ${S.similarity(similarity)}`,
    };
  });
}

export function summaryLine(check: TextCheck): string {
  return check.status === 'no_targets' ? S.noTargets : S.summary(check.found, check.total);
}

export interface OverlayBox {
  points: string;
  found: boolean;
  label: string;
  /** Where the label goes (the box's top-left corner), in image pixels. */
  x: number;
  y: number;
}

const pointList = (b: TextBox) => b.map(([x, y]) => `${x},${y}`).join(' ');

/** The boxes of every target (green where found, red where not), in the check's image pixels. */
export function overlayBoxes(check: TextCheck): OverlayBox[] {
  return check.targets.flatMap((t) =>
    t.boxes.map((b, i) => ({
      points: pointList(b),
      found: t.found,
      label: i === 0 ? (t.found ? S.boxLabelFound(t.target) : S.boxLabelMiss(t.target)) : '',
      x: Math.min(b[0][0], b[3][0]),
      y: Math.min(b[0][1], b[1][1]),
    })),
  );
}
