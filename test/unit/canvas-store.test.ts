import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CanvasDraft, type DraftImage } from '../../main/contract';
import { CanvasStore, DEFAULT_CANVAS_FORM, documentOfDraft, draftOfDocument, imagesForMode, type ImageSource, keepDocument, nextCanvasForm, outputSize, screenToImage } from '../../renderer/src/canvas';

function opened(): CanvasStore {
  const store = new CanvasStore();
  store.open({ src: 'data:base', width: 1024, height: 768, name: 'photo.png' });
  return store;
}

/** Runs an edit, then checks undo restores the doc before it and redo the doc after it. */
function assertUndoable(store: CanvasStore, edit: () => void, what: string): void {
  const before = store.getState().doc;
  edit();
  const after = store.getState().doc;
  assert.notEqual(after, before, `${what} changed the document`);
  assert.equal(store.getState().canUndo, true);
  store.undo();
  assert.deepEqual(store.getState().doc, before, `${what} undone`);
  store.redo();
  assert.deepEqual(store.getState().doc, after, `${what} redone`);
}

describe('canvas store', () => {
  test('open makes a base layer and a first version, with an empty history', () => {
    const store = opened();
    const s = store.getState();
    assert.equal(s.doc.layers.length, 1);
    assert.equal(store.base()?.width, 1024);
    assert.equal(s.doc.versions.length, 1);
    assert.equal(store.currentVersion()?.src, 'data:base');
    assert.equal(s.canUndo, false);
    assert.equal(s.canRedo, false);
  });

  test('every document edit is one undo step and redoes to the same state', () => {
    const store = opened();
    let ref = '';
    assertUndoable(store, () => (ref = store.addReference({ src: 'data:ref', width: 512, height: 512, name: 'style' })), 'add reference');
    assertUndoable(store, () => store.setLayerVisible(ref, false), 'hide layer');
    assertUndoable(store, () => store.setLayerOpacity(ref, 0.25), 'layer opacity');
    assertUndoable(store, () => store.renameLayer(ref, 'Style'), 'rename');
    const ref2 = store.addReference({ src: 'data:ref2', width: 64, height: 64 });
    assertUndoable(store, () => store.moveLayer(ref2, 1), 'reorder');
    assertUndoable(store, () => store.removeLayer(ref), 'remove layer');
    assertUndoable(
      store,
      () => {
        store.beginStroke(100, 100);
        store.extendStroke(200, 150);
        store.endStroke();
      },
      'brush stroke',
    );
    store.setTool({ kind: 'eraser', size: 10 });
    assertUndoable(
      store,
      () => {
        store.beginStroke(120, 110);
        store.endStroke();
      },
      'eraser stroke',
    );
    assertUndoable(store, () => store.setMaskVisible(false), 'mask visibility');
    assertUndoable(store, () => store.setMaskOpacity(0.9), 'mask opacity');
    assertUndoable(store, () => store.setCrop({ x: 10, y: 20, width: 300, height: 200 }), 'crop');
    assertUndoable(store, () => store.clearMask(), 'clear mask');
    assertUndoable(store, () => store.addVersion({ src: 'data:result', width: 1024, height: 768, generationId: '42' }), 'new version');
    assertUndoable(store, () => store.selectVersion(store.getState().doc.versions[0]!.id), 'select version');
  });

  test('a stroke is a draft until it ends; cancel and undo-while-drawing drop it without touching the history', () => {
    const store = opened();
    store.setTool({ kind: 'brush', size: 20, hardness: 0.5 });
    store.beginStroke(10, 10);
    store.extendStroke(50, 10);
    assert.deepEqual(store.getState().draft?.points, [10, 10, 50, 10]);
    assert.equal(store.getState().doc.mask.strokes.length, 0);
    assert.equal(store.getState().canUndo, false);
    store.extendStroke(50.5, 10); // shorter than a tenth of the brush: skipped
    assert.equal(store.getState().draft?.points.length, 4);
    store.undo();
    assert.equal(store.getState().draft, null);
    assert.equal(store.getState().canUndo, false);
    store.beginStroke(1, 1);
    store.cancelStroke();
    assert.equal(store.getState().doc.mask.strokes.length, 0);
    store.beginStroke(5, 5);
    store.endStroke();
    const [stroke] = store.getState().doc.mask.strokes;
    assert.deepEqual(stroke, { mode: 'brush', size: 20, hardness: 0.5, points: [5, 5] });
  });

  test('pan and crop tools do not paint', () => {
    const store = opened();
    store.setTool({ kind: 'pan' });
    store.beginStroke(1, 1);
    store.endStroke();
    assert.equal(store.getState().doc.mask.strokes.length, 0);
  });

  test('a new edit after undo drops the redo branch', () => {
    const store = opened();
    store.beginStroke(1, 1);
    store.endStroke();
    store.undo();
    assert.equal(store.getState().canRedo, true);
    store.setMaskVisible(false);
    assert.equal(store.getState().canRedo, false);
    store.redo();
    assert.equal(store.getState().doc.mask.strokes.length, 0);
  });

  test('a slider drag merges into one undo step; the next drag is its own step', () => {
    const store = opened();
    const id = store.addReference({ src: 'data:r', width: 8, height: 8 });
    for (const o of [0.9, 0.7, 0.5, 0.3]) store.setLayerOpacity(id, o, true);
    store.endGesture();
    for (const o of [0.2, 0.1]) store.setLayerOpacity(id, o, true);
    store.endGesture();
    store.undo();
    assert.equal(store.references()[0]?.opacity, 0.3);
    store.undo();
    assert.equal(store.references()[0]?.opacity, 1);
    store.undo();
    assert.equal(store.references().length, 0);
  });

  test('crop is clamped to the image and snapped to multiples of 32; tiny or whole-image crops mean no crop; dragging makes one step', () => {
    const store = opened();
    // clamped to x 0..150, y 700..768 → 160×64, kept inside the image
    store.setCrop({ x: -50, y: 700, width: 200, height: 500 });
    assert.deepEqual(store.getState().doc.crop, { x: 0, y: 702, width: 160, height: 64 });
    store.setCrop({ x: 0, y: 0, width: 1024, height: 768 });
    assert.equal(store.getState().doc.crop, null);
    store.setCrop({ x: 3, y: 2, width: 1020, height: 760 });
    assert.equal(store.getState().doc.crop, null, 'snaps to the whole image: no crop');
    store.setCrop({ x: 5, y: 5, width: 3, height: 400 });
    assert.equal(store.getState().doc.crop, null);
    store.setCrop({ x: 10, y: 10, width: 100, height: 100 });
    assert.deepEqual(store.getState().doc.crop, { x: 12, y: 12, width: 96, height: 96 });
    store.beginCrop(300, 300);
    store.dragCrop(250, 400);
    store.dragCrop(100, 500);
    assert.deepEqual(store.getState().cropDraft, { x: 100, y: 300, width: 200, height: 200 });
    store.endCrop();
    assert.deepEqual(store.getState().doc.crop, { x: 104, y: 304, width: 192, height: 192 });
    for (const v of Object.values(store.getState().doc.crop!).slice(2)) assert.equal(v % 32, 0);
    assert.equal(store.getState().cropDraft, null);
    store.undo();
    assert.deepEqual(store.getState().doc.crop, { x: 12, y: 12, width: 96, height: 96 });
  });

  test('the output size is the region itself when the model takes it, otherwise scaled and said so', () => {
    assert.deepEqual(outputSize(1024, 768), { width: 1024, height: 768, scaled: false });
    assert.deepEqual(outputSize(640, 512), { width: 640, height: 512, scaled: false });
    const small = outputSize(640, 480);
    assert.equal(small.scaled, true);
    assert.equal(small.width % 32, 0);
    assert.equal(small.height % 32, 0);
    assert.ok(small.height >= 512);
    assert.equal(outputSize(2048, 2048).scaled, true, 'larger than about 1024² is brought down');
  });

  test('a result starts without the mask of the image it came from; undo brings the mask back', () => {
    const store = opened();
    store.beginStroke(512, 384);
    store.endStroke();
    store.addVersion({ src: 'data:result', width: 1024, height: 768, generationId: '9' });
    assert.equal(store.getState().doc.mask.strokes.length, 0);
    store.undo();
    assert.equal(store.getState().doc.mask.strokes.length, 1);
  });

  test('hasWork: a fresh document has none; a mask, a reference, a crop or a version is work', () => {
    const store = new CanvasStore();
    assert.equal(store.hasWork(), false);
    store.open({ src: 'a', width: 512, height: 512 });
    assert.equal(store.hasWork(), false);
    store.beginStroke(10, 10);
    store.endStroke();
    assert.equal(store.hasWork(), true);
    store.open({ src: 'b', width: 512, height: 512 });
    assert.equal(store.hasWork(), false, 'a new document starts without work');
    const kept = keepDocument(store.getState().doc, null)!;
    store.restoreDocument({ ...kept, references: [{ src: 'r', width: 64, height: 64, slot: 'style', visible: true }] });
    assert.equal(store.hasWork(), true, 'a kept document with a reference is work even with no history');
    assert.equal(store.getState().canUndo, false);
  });

  test('each mode tab keeps its own text', () => {
    let form = nextCanvasForm(DEFAULT_CANVAS_FORM, { prompt: 'make the sky stormy' });
    form = nextCanvasForm(form, { mode: 'style' });
    assert.equal(form.prompt, '', 'the style tab does not inherit the edit instruction');
    form = nextCanvasForm(form, { prompt: 'watercolour' });
    form = nextCanvasForm(form, { mode: 'identity' });
    assert.equal(form.prompt, '');
    form = nextCanvasForm(form, { mode: 'edit' });
    assert.equal(form.prompt, 'make the sky stormy');
    form = nextCanvasForm(form, { mode: 'style' });
    assert.equal(form.prompt, 'watercolour');
    // a recipe that sets mode and text together
    form = nextCanvasForm(form, { mode: 'identity', prompt: 'at the beach' });
    assert.deepEqual(form.prompts, { edit: 'make the sky stormy', style: 'watercolour', identity: 'at the beach' });
  });

  test('a version at another resolution scales the mask and drops the crop; going back restores them', () => {
    const store = opened();
    const first = store.getState().doc.versions[0]!.id;
    const v2 = store.addVersion({ src: 'data:big', width: 2048, height: 1536, generationId: '7' });
    store.beginStroke(1024, 768);
    store.endStroke();
    store.setCrop({ x: 0, y: 0, width: 1024, height: 768 });
    store.selectVersion(first);
    const s = store.getState().doc;
    assert.equal(store.base()?.width, 1024);
    assert.equal(store.base()?.generationId, null);
    assert.deepEqual(s.mask.strokes[0]?.points, [512, 384]);
    assert.equal(s.crop, null);
    assert.equal(s.versions.find((v) => v.id === v2)?.parentId, first, 'linked to its source');
    store.undo();
    assert.equal(store.base()?.width, 2048);
    assert.equal(store.base()?.generationId, '7');
    assert.deepEqual(store.getState().doc.mask.strokes[0]?.points, [1024, 768]);
    assert.notEqual(store.getState().doc.crop, null);
  });

  test('extend: by pixels on chosen sides, to an aspect ratio (the image centred), clamped; one undo step each', () => {
    const store = opened(); // 1024×768
    assertUndoable(store, () => store.extendBy(128, ['right']), 'extend right');
    assert.deepEqual(store.getState().doc.extend, { left: 0, top: 0, right: 128, bottom: 0 });
    assert.deepEqual(store.area(), { x: 0, y: 0, width: 1152, height: 768 });
    store.extendBy(64, ['left', 'top']);
    assert.deepEqual(store.area(), { x: -64, y: -64, width: 1216, height: 832 });
    store.extendToAspect(16, 9);
    const a = store.area()!;
    assert.deepEqual(store.getState().doc.extend, { left: 170, top: 0, right: 171, bottom: 0 }, '768·16/9 = 1365 wide, 341 more split around the image');
    assert.equal(a.width, 1365);
    store.extendToAspect(1, 1);
    assert.deepEqual(store.getState().doc.extend, { left: 0, top: 128, right: 0, bottom: 128 });
    store.extendToAspect(4, 3);
    assert.equal(store.getState().doc.extend, null, 'already 4:3: nothing to add');
    store.setExtend({ left: -5, top: 1e9, right: 0, bottom: 0 });
    assert.deepEqual(store.getState().doc.extend, { left: 0, top: 2048, right: 0, bottom: 0 });
    // a crop may reach into the extension; the fit shows the whole document
    store.setCrop({ x: 0, y: -2048, width: 512, height: 512 });
    assert.deepEqual(store.getState().doc.crop, { x: 0, y: -2048, width: 512, height: 512 });
    store.fit(800, 600);
    const v = store.getState().view;
    const top = screenToImage(v, v.panX, v.panY - 2048 * v.zoom);
    assert.ok(Math.abs(top.y + 2048) < 1e-6 && v.panY - 2048 * v.zoom >= 16 - 1e-6, 'the extension is inside the viewport');
    // a result covers the extended area: the new version is not extended
    store.addVersion({ src: 'data:out', width: 1024, height: 2816 });
    assert.equal(store.getState().doc.extend, null);
  });

  test('extend handles: the nearest side moves with the drag, in steps of 32; the whole drag is one undo step', () => {
    const store = opened(); // 1024×768
    assert.equal(store.extendSideAt(1020, 400), 'right');
    assert.equal(store.extendSideAt(500, 3), 'top');
    assert.equal(store.extendSideAt(-40, 300), 'left');
    for (const d of [10, 50, 100, 130]) store.dragExtend('right', 0, d);
    store.endGesture();
    assert.deepEqual(store.getState().doc.extend, { left: 0, top: 0, right: 128, bottom: 0 });
    assert.equal(store.extendSideAt(1150, 400), 'right', 'the edge is now the extended one');
    store.dragExtend('right', 128, -1000);
    store.endGesture();
    assert.equal(store.getState().doc.extend, null, 'dragged back past the image: not extended');
    store.undo();
    assert.deepEqual(store.getState().doc.extend, { left: 0, top: 0, right: 128, bottom: 0 });
    store.undo();
    assert.equal(store.getState().doc.extend, null);
    assert.equal(store.getState().canUndo, false, 'one step for the whole first drag');
  });

  test('selections: a rectangle or lasso drag is one stroke; Alt takes away; invert, grow and feather are undoable edits', () => {
    const store = opened();
    store.setTool({ kind: 'rect' });
    store.beginStroke(10, 20);
    store.extendStroke(50, 30);
    store.extendStroke(110, 220);
    assert.deepEqual(store.getState().draft?.points, [10, 20, 110, 220], 'a rectangle keeps its two corners');
    store.endStroke();
    store.beginStroke(60, 60, true);
    store.extendStroke(80, 80);
    store.endStroke();
    store.beginStroke(5, 5);
    store.endStroke(); // a click, not a rectangle: nothing
    store.setTool({ kind: 'lasso' });
    store.beginStroke(300, 300);
    for (const [x, y] of [[400, 300], [400, 400], [300, 400]] as const) store.extendStroke(x, y);
    store.endStroke();
    const strokes = store.getState().doc.mask.strokes;
    assert.deepEqual(strokes.map((s) => [s.shape, s.mode]), [['rect', 'brush'], ['rect', 'eraser'], ['lasso', 'brush']]);
    assert.deepEqual(strokes[2]!.points, [300, 300, 400, 300, 400, 400, 300, 400]);
    assertUndoable(store, () => store.setMaskInvert(true), 'invert');
    assertUndoable(store, () => store.setMaskGrow(-12), 'shrink');
    assertUndoable(store, () => store.setMaskFeather(9), 'feather');
    for (const g of [1, 2, 3]) store.setMaskGrow(g, true);
    store.endGesture();
    store.undo();
    assert.equal(store.getState().doc.mask.grow, -12, 'one slider drag is one step');
    store.setMaskGrow(1e9);
    assert.equal(store.getState().doc.mask.grow, 256);
  });

  test('reference slots: a role each, an order; each mode takes what it can and names what it leaves', () => {
    const store = opened();
    const a = store.addReference({ src: 'data:a', width: 64, height: 64, name: 'a' });
    const b = store.addReference({ src: 'data:b', width: 64, height: 64, name: 'b', slot: 'style' });
    const c = store.addReference({ src: 'data:c', width: 64, height: 64, name: 'c', slot: 'subject' });
    assert.deepEqual(store.references().map((l) => [l.name, l.slot]), [['a', 'content'], ['b', 'style'], ['c', 'subject']]);
    assertUndoable(store, () => store.setSlotRole(a, 'style'), 'slot role');
    assertUndoable(store, () => store.moveReference(c, -2), 'slot order');
    assert.deepEqual(store.references().map((l) => l.name), ['c', 'a', 'b']);
    store.moveReference(c, -5); // already first: stays (the base stays below every slot)
    assert.deepEqual(store.getState().doc.layers.map((l) => l.name), ['photo.png', 'c', 'a', 'b']);
    const base = store.base()!;
    const names = (m: ReturnType<typeof imagesForMode>) => m.images.map(({ layer, use }) => `${layer.name}:${use}`);
    const layers = () => store.getState().doc.layers;
    store.setSlotRole(a, 'content');
    // a is content, b style, c subject; order c, a, b
    assert.deepEqual(names(imagesForMode('style', base, layers())), ['a:content', 'b:style']);
    assert.deepEqual(imagesForMode('style', base, layers()).unused.map((l) => l.name), ['c']);
    assert.deepEqual(names(imagesForMode('identity', base, layers())), ['c:subject']);
    assert.deepEqual(names(imagesForMode('edit', base, layers())), ['photo.png:source', 'c:reference', 'a:reference', 'b:reference']);
    // a fourth visible slot is more than an edit takes
    store.addReference({ src: 'data:d', width: 8, height: 8, name: 'd' });
    assert.deepEqual(imagesForMode('edit', base, layers()).unused.map((l) => l.name), ['d']);
    // hidden slots are not sent; without a content slot the image is the content; without a style slot, style is missing
    store.setLayerVisible(a, false);
    store.setSlotRole(store.references()[3]!.id, 'style');
    // several style slots: each goes, in the order shown (up to three)
    assert.deepEqual(names(imagesForMode('style', base, layers())), ['photo.png:content', 'b:style', 'd:style']);
    const e = store.addReference({ src: 'data:e', width: 8, height: 8, name: 'e', slot: 'style' });
    const f = store.addReference({ src: 'data:f', width: 8, height: 8, name: 'f', slot: 'style' });
    assert.deepEqual(names(imagesForMode('style', base, layers())), ['photo.png:content', 'b:style', 'd:style', 'e:style']);
    assert.deepEqual(imagesForMode('style', base, layers()).unused.map((l) => l.name), ['c', 'f'], 'a fourth style is more than the model is sent');
    store.removeLayer(e);
    store.removeLayer(f);
    store.setLayerVisible(b, false);
    store.setLayerVisible(store.references()[3]!.id, false);
    assert.equal(imagesForMode('style', base, layers()).missing, 'style');
    store.setLayerVisible(c, false);
    assert.deepEqual(names(imagesForMode('identity', base, layers())), ['photo.png:subject']);
  });

  test('the document round trip: kept as a workspace draft (through the contract) and brought back the same', async () => {
    const store = opened();
    const first = store.getState().doc.versions[0]!.id;
    const v2 = store.addVersion({ src: '/media/r2.png', width: 1024, height: 768, generationId: '12', name: 'edit #12' });
    store.addVersion({ src: '/media/r3.png', width: 1024, height: 768, generationId: '13', name: 'style #13' }, first, { x: 64, y: 0, width: 960, height: 720 });
    store.selectVersion(v2);
    store.setResultOpacity(v2, 0.6);
    const ref = store.addReference({ src: 'data:image/png;base64,QUJD', width: 64, height: 64, name: 'paint.png', slot: 'style' });
    store.addReference({ src: '/media/s.png', width: 32, height: 32, name: 'subject', generationId: '5', slot: 'subject' });
    store.setLayerVisible(ref, false);
    store.setTool({ kind: 'rect' });
    store.beginStroke(10, 10);
    store.extendStroke(200, 100);
    store.endStroke();
    store.setTool({ kind: 'brush', size: 30 });
    store.beginStroke(300, 300);
    store.extendStroke(350, 320);
    store.endStroke();
    store.setMaskInvert(true);
    store.setMaskGrow(-3);
    store.setMaskFeather(12);
    store.setMaskOpacity(0.8);
    store.extendBy(64, ['left', 'bottom']);
    store.setCrop({ x: -64, y: 0, width: 512, height: 512 });
    store.zoomAt(2, 100, 50);
    const before = store.getState();

    // images as a library id when they are one, else their bytes (a data URL); everything through the schema
    const encode = async (i: ImageSource): Promise<DraftImage | null> =>
      i.generationId ? { generationId: i.generationId, width: i.width, height: i.height, name: i.name ?? '' } : { dataUrl: `data:image/png;base64,${Buffer.from(i.src).toString('base64')}`, width: i.width, height: i.height, name: i.name ?? '' };
    const decode = async (d: DraftImage): Promise<ImageSource | null> =>
      'generationId' in d
        ? { src: `/media/${d.generationId === '12' ? 'r2' : d.generationId === '13' ? 'r3' : d.generationId === '5' ? 's' : 'x'}.png`, width: d.width, height: d.height, name: d.name, generationId: d.generationId }
        : { src: Buffer.from(d.dataUrl.split(',')[1]!, 'base64').toString(), width: d.width, height: d.height, name: d.name };
    const draft = CanvasDraft.parse(JSON.parse(JSON.stringify(await draftOfDocument(keepDocument(before.doc, before.view)!, encode))));
    assert.equal(draft.versions!.filter((v) => v.image === null).length, 1, 'the current version is kept once, as the base');

    const back = new CanvasStore();
    back.restoreDocument((await documentOfDraft(draft, decode))!);
    const after = back.getState();
    // the same document, but for the ids it was given
    const strip = (doc: typeof before.doc) => {
      const vid = new Map(doc.versions.map((v, i) => [v.id, i]));
      return {
        ...doc,
        layers: doc.layers.map(({ id: _id, ...l }) => l),
        versions: doc.versions.map(({ id: _id, parentId, ...v }) => ({ ...v, parent: parentId === null ? null : vid.get(parentId) })),
        currentVersionId: vid.get(doc.currentVersionId!),
      };
    };
    assert.deepEqual(strip(after.doc), strip(before.doc));
    assert.deepEqual(after.view, before.view, 'the view comes back');
    assert.equal(back.takeKeptView(), true, 'and is not fitted over');
    assert.equal(back.takeKeptView(), false);
    assert.equal(after.canUndo, false, 'restoring is not an edit');
    // a version whose image is gone is left out; the others keep their links
    const gone = await documentOfDraft(draft, async (d) => ('generationId' in d && d.generationId === '13' ? null : decode(d)));
    assert.deepEqual(gone!.versions.map((v) => [v.label, v.parent]), [['Original', null], ['edit #12', 0]]);
  });

  test('before/after: only for a version with a source; knows where the source lies; off for the original', () => {
    const store = opened();
    store.setCompare(true);
    assert.equal(store.getState().compare, null, 'the original has nothing to compare with');
    const first = store.getState().doc.versions[0]!.id;
    store.addVersion({ src: 'data:out', width: 1280, height: 768 }, first, { x: 0, y: 0, width: 1024, height: 768 });
    assert.deepEqual(store.currentVersion()?.place, { x: 0, y: 0, width: 1024, height: 768 });
    assert.equal(store.sourceVersion()?.id, first);
    store.setCompare(true, 2);
    assert.deepEqual(store.getState().compare, { split: 1 });
    store.setCompare(true, 0.25);
    assert.deepEqual(store.getState().compare, { split: 0.25 });
    assert.equal(store.getState().canUndo, true);
    const undoable = store.getState().doc;
    store.setCompare(false);
    assert.equal(store.getState().doc, undoable, 'not an edit');
    store.setCompare(true);
    store.selectVersion(first);
    assert.equal(store.getState().compare, null, 'the original: off');
  });

  test('results are layers over their source: visibility, opacity (one drag one step), delete back to the source', () => {
    const store = opened();
    const first = store.getState().doc.versions[0]!.id;
    store.setResultOpacity(first, 0.2);
    store.setResultVisible(first, false);
    assert.deepEqual([store.currentVersion()?.opacity, store.currentVersion()?.visible], [1, true], 'the original is no layer over anything');
    const a = store.addVersion({ src: 'data:a', width: 1024, height: 768, generationId: '1' });
    const b = store.addVersion({ src: 'data:b', width: 1024, height: 768, generationId: '2' }, a);
    assert.equal(store.blended(), false);
    assertUndoable(store, () => store.setResultVisible(b, false), 'hide a result');
    assertUndoable(store, () => store.setResultOpacity(b, 0.4), 'result opacity');
    assert.equal(store.blended(), true);
    for (const o of [0.35, 0.3, 0.25]) store.setResultOpacity(b, o, true);
    store.endGesture();
    store.undo();
    assert.equal(store.currentVersion()?.opacity, 0.4, 'a slider drag is one step');
    store.setResultOpacity(b, 7);
    assert.equal(store.currentVersion()?.opacity, 1);
    // deleting a result in the middle: what was made from it is made from its source; the current one stays
    assertUndoable(store, () => store.removeVersion(a), 'delete a result');
    assert.deepEqual(store.getState().doc.versions.map((v) => [v.generationId, v.parentId]), [[null, null], ['2', first]]);
    assert.equal(store.currentVersion()?.id, b);
    // deleting the current one brings its source back as the image
    store.removeVersion(b);
    assert.equal(store.currentVersion()?.id, first);
    assert.equal(store.base()?.src, 'data:base');
    store.removeVersion(first);
    assert.equal(store.getState().doc.versions.length, 1, 'the original stays');
  });

  test('the layer stack: the current line bottom first, placed in the current pixels; reordered, hidden, deleted with places kept, kept across a reload', async () => {
    const store = opened();
    const first = store.getState().doc.versions[0]!.id;
    // a: the original extended by 256 px on the right (it lies at x 0..1024 of a's 1280); b: a at twice the size
    const a = store.addVersion({ src: 'data:a', width: 1280, height: 768, name: 'a' }, first, { x: 0, y: 0, width: 1024, height: 768 });
    const b = store.addVersion({ src: 'data:b', width: 2560, height: 1536, name: 'b' }, a);
    // another line from the original is not in b's stack
    const other = store.addVersion({ src: 'data:o', width: 1024, height: 768, name: 'other' }, first);
    assert.deepEqual(store.stack().map((l) => l.version.label), ['Original', 'other']);
    store.selectVersion(b);
    const stack = () => store.stack().map((l) => [l.version.label, l.at, l.alpha]);
    assert.deepEqual(stack(), [
      ['Original', { x: 0, y: 0, width: 2048, height: 1536 }, 1],
      ['a', { x: 0, y: 0, width: 2560, height: 1536 }, 1],
      ['b', { x: 0, y: 0, width: 2560, height: 1536 }, 1],
    ]);
    assert.deepEqual(store.line().map((v) => v.label), ['Original', 'a', 'b']);
    assert.equal(store.blended(), false, 'the current version on top, opaque: drawn as itself');

    // order: b under a; the top cannot go higher, the lowest result not under the original
    assertUndoable(store, () => store.moveResult(b, -1), 'move a result down');
    assert.deepEqual(store.stack().map((l) => l.version.label), ['Original', 'b', 'a']);
    assert.equal(store.blended(), true, 'another result over the current one');
    const doc = store.getState().doc;
    store.moveResult(a, 1);
    store.moveResult(b, -1);
    assert.equal(store.getState().doc, doc, 'no move past either end, and no history entry');
    store.moveResult(b, 1);
    assert.deepEqual(store.stack().map((l) => l.version.label), ['Original', 'a', 'b']);
    assert.equal(store.blended(), false);
    store.moveResult(other, 1);
    assert.deepEqual(store.stack().map((l) => l.version.label), ['Original', 'a', 'b'], 'a version of another line is not moved');

    // hidden and see-through layers are drawn at 0 and their opacity; the original always whole
    store.setResultVisible(a, false);
    store.setResultOpacity(b, 0.25);
    assert.deepEqual(store.stack().map((l) => l.alpha), [1, 0, 0.25]);
    store.setResultVisible(a, true);
    store.setResultOpacity(b, 1);

    // deleting the middle one: b is made from the original, which still lies where it did in b
    store.removeVersion(a);
    assert.deepEqual(stack(), [
      ['Original', { x: 0, y: 0, width: 2048, height: 1536 }, 1],
      ['b', { x: 0, y: 0, width: 2560, height: 1536 }, 1],
    ]);
    store.undo();

    // a reload keeps the order: kept as a draft (through the contract) and brought back
    store.moveResult(b, -1);
    const s = store.getState();
    const encode = async (i: ImageSource): Promise<DraftImage> => ({ dataUrl: `data:image/png;base64,${Buffer.from(i.src).toString('base64')}`, width: i.width, height: i.height, name: i.name ?? '' });
    const decode = async (d: DraftImage): Promise<ImageSource> => ('dataUrl' in d ? { src: Buffer.from(d.dataUrl.split(',')[1]!, 'base64').toString(), width: d.width, height: d.height, name: d.name } : { src: 'x', width: 1, height: 1 });
    const draft = CanvasDraft.parse(JSON.parse(JSON.stringify(await draftOfDocument(keepDocument(s.doc, s.view)!, encode))));
    const back = new CanvasStore();
    back.restoreDocument((await documentOfDraft(draft, decode))!);
    assert.deepEqual(back.stack().map((l) => [l.version.label, l.at, l.alpha]), store.stack().map((l) => [l.version.label, l.at, l.alpha]));
    assert.deepEqual(back.stack().map((l) => l.version.label), ['Original', 'b', 'a']);
  });

  test('view changes are not edits: zoom, pan, fit and 100 % leave the history alone', () => {
    const store = opened();
    store.zoomAt(2, 100, 100);
    store.panBy(10, -5);
    store.fit(800, 600);
    const fitted = store.getState().view;
    // the base image's far corner lands inside the viewport, centred
    const br = screenToImage(fitted, 800 - fitted.panX, 600 - fitted.panY);
    assert.ok(Math.abs(br.x - 1024) < 1e-9 && Math.abs(br.y - 768) < 1e-9, 'fit: centred on the base image');
    assert.ok(fitted.panX >= 16 - 1e-9 && fitted.panY >= 16 - 1e-9);
    store.actualSize(800, 600);
    assert.equal(store.getState().view.zoom, 1);
    assert.equal(store.getState().canUndo, false);
  });

  test('tool settings are clamped', () => {
    const store = new CanvasStore();
    store.setTool({ size: 0, hardness: 7 });
    assert.deepEqual([store.getState().tool.size, store.getState().tool.hardness], [1, 1]);
    store.setTool({ size: 1e6, hardness: -1 });
    assert.deepEqual([store.getState().tool.size, store.getState().tool.hardness], [1024, 0]);
  });

  test('the history keeps at most historyLimit steps, and subscribers hear every change', () => {
    const store = new CanvasStore({ historyLimit: 3 });
    store.open({ src: 'x', width: 100, height: 100 });
    let heard = 0;
    const off = store.subscribe(() => heard++);
    for (let i = 0; i < 5; i++) {
      store.beginStroke(i * 10, 10);
      store.endStroke();
    }
    assert.ok(heard >= 5);
    let undos = 0;
    while (store.getState().canUndo) {
      store.undo();
      undos++;
    }
    assert.equal(undos, 3);
    assert.equal(store.getState().doc.mask.strokes.length, 2);
    off();
    const at = heard;
    store.redo();
    assert.equal(heard, at, 'unsubscribed');
    // getState is stable between changes (what useSyncExternalStore needs)
    assert.equal(store.getState(), store.getState());
  });

  test('edits on an empty canvas do nothing', () => {
    const store = new CanvasStore();
    store.beginStroke(1, 1);
    store.endStroke();
    store.setCrop({ x: 0, y: 0, width: 50, height: 50 });
    store.removeLayer('nope');
    assert.equal(store.getState().canUndo, false);
  });
});
