/**
 * The gallery's selection, without React or the DOM: a click selects one (and is the anchor), Ctrl/
 * Cmd+click toggles one, Shift+click takes the range from the anchor, a rubber band takes the cells
 * it touches (added to the selection with Shift or Ctrl/Cmd). The grid's geometry is plain numbers.
 */

export interface Selection {
  ids: ReadonlySet<string>;
  /** Where a Shift+click range starts. */
  anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

export interface ClickMods {
  shift: boolean;
  /** Ctrl on Windows/Linux, Cmd on macOS. */
  toggle: boolean;
}

/** The selection after clicking `id` in `order` (the grid's ids, in order). */
export function clickSelect(sel: Selection, order: readonly string[], id: string, mods: ClickMods): Selection {
  if (mods.shift && sel.anchor !== null) {
    const a = order.indexOf(sel.anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) {
      const range = order.slice(Math.min(a, b), Math.max(a, b) + 1);
      const ids = new Set(mods.toggle ? sel.ids : []);
      for (const r of range) ids.add(r);
      return { ids, anchor: sel.anchor };
    }
  }
  if (mods.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id };
  }
  return { ids: new Set([id]), anchor: id };
}

/** Where the cells are: `columns` per row, each `cell` wide and high, `gap` apart, rows starting `gap` down. */
export interface GridGeometry {
  columns: number;
  cell: number;
  gap: number;
  /** Left padding of the grid's content. */
  padX: number;
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Indexes (of `count` items) whose cells the rectangle touches, in content coordinates. */
export function indexesInRect(geo: GridGeometry, count: number, rect: Rect): number[] {
  const left = Math.min(rect.x0, rect.x1);
  const right = Math.max(rect.x0, rect.x1);
  const top = Math.min(rect.y0, rect.y1);
  const bottom = Math.max(rect.y0, rect.y1);
  const pitch = geo.cell + geo.gap;
  const rows = Math.ceil(count / geo.columns);
  const firstRow = Math.max(0, Math.floor((top - geo.gap) / pitch));
  const lastRow = Math.min(rows - 1, Math.floor((bottom - geo.gap) / pitch));
  const out: number[] = [];
  for (let r = firstRow; r <= lastRow; r++) {
    const cellTop = r * pitch + geo.gap;
    if (cellTop > bottom || cellTop + geo.cell < top) continue;
    for (let c = 0; c < geo.columns; c++) {
      const i = r * geo.columns + c;
      if (i >= count) break;
      const cellLeft = geo.padX + c * pitch;
      if (cellLeft <= right && cellLeft + geo.cell >= left) out.push(i);
    }
  }
  return out;
}

/** The selection a rubber band gives: the cells it touches (indexesInRect), added to `base` when `additive`. */
export function bandSelect(base: Selection, order: readonly string[], hit: readonly number[], additive: boolean): Selection {
  const ids = new Set(additive ? base.ids : []);
  for (const i of hit) if (order[i] !== undefined) ids.add(order[i]!);
  return { ids, anchor: hit.length > 0 ? (order[hit[0]!] ?? base.anchor) : base.anchor };
}

/** The selection with only ids still shown (after a filter, a delete). */
export function keepShown(sel: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  const ids = new Set([...sel.ids].filter((id) => shown.has(id)));
  return ids.size === sel.ids.size ? sel : { ids, anchor: sel.anchor !== null && shown.has(sel.anchor) ? sel.anchor : null };
}
