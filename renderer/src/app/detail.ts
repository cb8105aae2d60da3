/**
 * The gallery detail of one image, opened from anywhere (a result card, a done queue row, the gallery
 * grid, a notification): one drawer for the whole window.
 */
import { Observable } from './store';

export const detailId = new Observable<string | null>(null);

export function openDetail(id: string): void {
  detailId.set(id);
}

export function closeDetail(): void {
  detailId.set(null);
}
