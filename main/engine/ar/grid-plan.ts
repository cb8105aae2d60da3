/**
 * Grid bookkeeping of one generation: which grid and cell each generated token fills. Text-to-image
 * writes the preview grid, then the target grid; image-to-image writes the target grid only. After
 * the last cell comes the end step (the model's image-end token).
 */
import type { GridShape } from '../processor';

export type GridRole = 'preview' | 'target';

export interface PlannedGrid {
  role: GridRole;
  shape: GridShape;
  /** Index of this grid's first token among the generated tokens. */
  offset: number;
}

export interface CellRef {
  grid: PlannedGrid;
  /** Row-major cell index inside the grid. */
  cell: number;
  row: number;
  col: number;
}

export class GridPlan {
  readonly grids: PlannedGrid[];
  /** Total grid cells (not counting the end step). */
  readonly cells: number;

  /** `generationGrids` in generation order; the last one is the target. */
  constructor(generationGrids: GridShape[]) {
    if (generationGrids.length === 0) throw new Error('GridPlan: no grids to generate');
    let offset = 0;
    this.grids = generationGrids.map((shape, i) => {
      const g: PlannedGrid = { role: i === generationGrids.length - 1 ? 'target' : 'preview', shape, offset };
      offset += shape.h * shape.w;
      return g;
    });
    this.cells = offset;
  }

  get target(): PlannedGrid {
    return this.grids[this.grids.length - 1];
  }

  get preview(): PlannedGrid | undefined {
    return this.grids.length > 1 ? this.grids[0] : undefined;
  }

  /** The cell generated token `step` fills, or null for the end step (step === cells). */
  cellAt(step: number): CellRef | null {
    if (step < 0 || step > this.cells) throw new RangeError(`GridPlan: step ${step} outside 0..${this.cells}`);
    for (const grid of this.grids) {
      const n = grid.shape.h * grid.shape.w;
      if (step < grid.offset + n) {
        const cell = step - grid.offset;
        return { grid, cell, row: Math.floor(cell / grid.shape.w), col: cell % grid.shape.w };
      }
    }
    return null;
  }

  /** The ids of one grid, cut out of the generated tokens. */
  extract(tokens: ArrayLike<number>, grid: PlannedGrid): Int32Array {
    const n = grid.shape.h * grid.shape.w;
    if (tokens.length < grid.offset + n) throw new Error('GridPlan: not enough tokens for the grid');
    return Int32Array.from({ length: n }, (_, i) => tokens[grid.offset + i]);
  }
}

/**
 * Nearest-neighbour 2x upsample of a row-major id grid (h x w → 2h x 2w), as the pipeline does before
 * the DiT (each AR token covers 2x2 DiT tokens).
 */
export function upsampleNearest2x(ids: ArrayLike<number>, shape: GridShape): { ids: Int32Array; shape: GridShape } {
  const { h, w } = shape;
  if (ids.length !== h * w) throw new Error(`upsampleNearest2x: ${ids.length} ids for a ${h}x${w} grid`);
  const W = 2 * w;
  const out = new Int32Array(4 * h * w);
  for (let r = 0; r < 2 * h; r++) {
    const src = (r >> 1) * w;
    for (let c = 0; c < W; c++) out[r * W + c] = ids[src + (c >> 1)];
  }
  return { ids: out, shape: { h: 2 * h, w: W } };
}
