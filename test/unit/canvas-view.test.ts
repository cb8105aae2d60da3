import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actualSizeView, clampZoom, fitView, imageToScreen, MAX_ZOOM, MIN_ZOOM, screenToImage, wheelFactor, zoomAt } from '../../renderer/src/canvas';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('canvas view arithmetic', () => {
  test('screen ↔ image are inverses', () => {
    const view = { zoom: 2.5, panX: -37, panY: 120 };
    for (const [x, y] of [[0, 0], [13.5, 900], [-4, 7]] as const) {
      const s = imageToScreen(view, x, y);
      const back = screenToImage(view, s.x, s.y);
      close(back.x, x);
      close(back.y, y);
    }
  });

  test('zoomAt keeps the image point under the cursor in place, for any factor and cursor', () => {
    let view = { zoom: 0.75, panX: 40, panY: -10 };
    for (const [factor, sx, sy] of [[1.3, 100, 200], [0.5, 0, 0], [4, 640, 17], [wheelFactor(-120), 333, 444]] as const) {
      const before = screenToImage(view, sx, sy);
      view = zoomAt(view, factor, sx, sy);
      const after = screenToImage(view, sx, sy);
      close(after.x, before.x);
      close(after.y, before.y);
    }
  });

  test('zoom is clamped, and zooming past a limit still keeps the cursor point', () => {
    assert.equal(clampZoom(1e9), MAX_ZOOM);
    assert.equal(clampZoom(0), MIN_ZOOM);
    const view = zoomAt({ zoom: 1, panX: 0, panY: 0 }, 1e6, 50, 60);
    assert.equal(view.zoom, MAX_ZOOM);
    const p = screenToImage(view, 50, 60);
    close(p.x, 50);
    close(p.y, 60);
  });

  test('wheel in then out by the same amount returns to the same zoom', () => {
    close(wheelFactor(100) * wheelFactor(-100), 1);
    assert.ok(wheelFactor(-100) > 1, 'wheel up zooms in');
  });

  test('fit puts the whole image inside the viewport with its margin, centred, touching on one axis', () => {
    for (const [vw, vh, iw, ih] of [[800, 600, 1024, 1024], [800, 600, 2048, 512], [1920, 1080, 300, 900]] as const) {
      const margin = 16;
      const v = fitView(vw, vh, iw, ih, margin);
      const tl = imageToScreen(v, 0, 0);
      const br = imageToScreen(v, iw, ih);
      assert.ok(tl.x >= margin - 1e-9 && tl.y >= margin - 1e-9 && br.x <= vw - margin + 1e-9 && br.y <= vh - margin + 1e-9);
      close(tl.x + br.x, vw);
      close(tl.y + br.y, vh);
      const touches = Math.abs(tl.x - margin) < 1e-6 || Math.abs(tl.y - margin) < 1e-6;
      assert.ok(touches, 'fills the viewport on the limiting axis');
    }
  });

  test('100 % maps one image pixel to one screen pixel, centred', () => {
    const v = actualSizeView(800, 600, 1000, 400);
    assert.equal(v.zoom, 1);
    const tl = imageToScreen(v, 0, 0);
    const br = imageToScreen(v, 1000, 400);
    close(br.x - tl.x, 1000);
    close(tl.x + br.x, 800);
    close(tl.y + br.y, 600);
  });
});
