/**
 * What the text check panel and the box overlay show, worked out without React (unit-tested): one row
 * per quoted string, the boxes with their colours and labels, the summary line.
 */
import type { TextBox, TextCheck } from '../../../main/contract';
import { fmt, t } from '../i18n';

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
  return check.targets.map((target) => {
    const similarity = Math.round(target.similarity * 100);
    const read = target.found ? null : target.read;
    return {
      target: target.target,
      found: target.found,
      read,
      similarity,
      detail: target.found ? t('textCheck.found') : read === null || read === '' ? t('textCheck.missing') : t('textCheck.readAlike', { read, percent: fmt.percent(similarity / 100) }),
    };
  });
}

export function summaryLine(check: TextCheck): string {
  if (check.status === 'no_targets') return t('textCheck.noTargets');
  return check.found === check.total
    ? t('textCheck.summaryAll', { count: check.total })
    : t('textCheck.summary', { found: fmt.number(check.found), total: fmt.number(check.total) });
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
  return check.targets.flatMap((target) =>
    target.boxes.map((b, i) => ({
      points: pointList(b),
      found: target.found,
      label: i === 0 ? t(target.found ? 'textCheck.boxLabelFound' : 'textCheck.boxLabelMiss', { target: target.target }) : '',
      x: Math.min(b[0][0], b[3][0]),
      y: Math.min(b[0][1], b[1][1]),
    })),
  );
}
