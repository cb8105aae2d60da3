/** The gallery's selection rules (renderer/src/gallery/selection.ts): click, Ctrl/Cmd, Shift, rubber band. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandSelect, clickSelect, EMPTY_SELECTION, indexesInRect, keepShown } from '../../renderer/src/gallery/selection';

const order = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const ids = (s: { ids: ReadonlySet<string> }) => [...s.ids].sort();
const none = { shift: false, toggle: false };

test('a click selects one; Ctrl/Cmd toggles; Shift takes the range from the anchor', () => {
  let s = clickSelect(EMPTY_SELECTION, order, 'c', none);
  assert.deepEqual(ids(s), ['c']);
  s = clickSelect(s, order, 'f', { shift: true, toggle: false });
  assert.deepEqual(ids(s), ['c', 'd', 'e', 'f']);
  // the range is from the anchor again, backwards, replacing the last range
  s = clickSelect(s, order, 'a', { shift: true, toggle: false });
  assert.deepEqual(ids(s), ['a', 'b', 'c']);
  s = clickSelect(s, order, 'g', { shift: false, toggle: true });
  assert.deepEqual(ids(s), ['a', 'b', 'c', 'g']);
  s = clickSelect(s, order, 'b', { shift: false, toggle: true });
  assert.deepEqual(ids(s), ['a', 'c', 'g']);
  // Ctrl+Shift adds a range to what is there
  s = clickSelect(s, order, 'e', { shift: true, toggle: true });
  assert.deepEqual(ids(s), ['a', 'b', 'c', 'd', 'e', 'g']);
  // a plain click starts over
  assert.deepEqual(ids(clickSelect(s, order, 'd', none)), ['d']);
});

test('a rubber band takes the cells it touches, in grid coordinates, added with a modifier', () => {
  // 3 columns of 100 px, 10 px apart, rows start 10 px down, 8 px left padding
  const geo = { columns: 3, cell: 100, gap: 10, padX: 8 };
  // over the first row's second and third cells
  assert.deepEqual(indexesInRect(geo, 7, { x0: 150, y0: 20, x1: 300, y1: 50 }), [1, 2]);
  // dragged up and left, across two rows
  assert.deepEqual(indexesInRect(geo, 7, { x0: 200, y0: 200, x1: 20, y1: 60 }), [0, 1, 3, 4]);
  // the gap between cells touches nothing
  assert.deepEqual(indexesInRect(geo, 7, { x0: 109, y0: 0, x1: 116, y1: 400 }), []);
  // past the last item
  assert.deepEqual(indexesInRect(geo, 7, { x0: 0, y0: 230, x1: 400, y1: 300 }), [6]);
  const base = { ids: new Set(['g']), anchor: 'g' };
  assert.deepEqual(ids(bandSelect(base, order, [1, 2], false)), ['b', 'c']);
  assert.deepEqual(ids(bandSelect(base, order, [1, 2], true)), ['b', 'c', 'g']);
  assert.deepEqual(ids(bandSelect(base, order, [], false)), [], 'a click on empty space clears');
});

test('only ids still shown stay chosen', () => {
  const s = { ids: new Set(['a', 'x', 'c']), anchor: 'x' };
  const kept = keepShown(s, order);
  assert.deepEqual(ids(kept), ['a', 'c']);
  assert.equal(kept.anchor, null);
  const same = { ids: new Set(['a']), anchor: 'a' };
  assert.equal(keepShown(same, order), same, 'unchanged when nothing left');
});
