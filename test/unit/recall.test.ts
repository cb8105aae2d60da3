/**
 * "Use these settings" (renderer/src/generate/recall.ts): a recipe read from a PNG fills every field
 * of the generate form it can and says which it could not, with why; the canvas gets its mode panel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseParameters, type StoredRecipe } from '../../main/contract';
import { DEFAULT_DRAFT, draftRequest, recallFromRecipe } from '../../renderer/src/generate';
import { i18n } from '../../renderer/src/i18n';

const ours: StoredRecipe = {
  mode: 'text',
  prompt: 'A lighthouse poster with the title "NORTH CAPE"',
  model: 'glm-image-4150129cecfa',
  modelName: 'Tiny test',
  seed: 42,
  width: 768,
  height: 512,
  steps: 40,
  guidance: 2.5,
  sampling: { temperature: 0.8, topP: 0.7 },
};

test('our recipe fills prompt, size, steps, guidance, seed and sampling; another model is said', async () => {
  await i18n.changeLanguage('en');
  const current = { ...DEFAULT_DRAFT, projectId: '7', count: 4 };
  const r = recallFromRecipe({ kind: 'glimmer', recipe: ours }, { current, model: { id: 'glm-image-000000000000', name: 'Big model' } })!;
  assert.equal(r.source, 'glimmer');
  assert.deepEqual(
    { prompt: r.draft.prompt, width: r.draft.width, height: r.draft.height, custom: r.draft.custom, steps: r.draft.steps, guidance: r.draft.guidance, seed: r.draft.seed, seedLocked: r.draft.seedLocked, temperature: r.draft.temperature, topP: r.draft.topP, count: r.draft.count, projectId: r.draft.projectId },
    { prompt: ours.prompt, width: 768, height: 512, custom: true, steps: 40, guidance: 2.5, seed: 42, seedLocked: true, temperature: 0.8, topP: 0.7, count: 1, projectId: '7' },
  );
  assert.deepEqual(r.filled.sort(), ['guidance', 'height', 'prompt', 'seed', 'steps', 'temperature', 'topP', 'width']);
  assert.deepEqual(r.notes.map((n) => n.field), ['model']);
  assert.match(r.notes[0]!.reason, /made with Tiny test \(glm-image-4150129cecfa\); the studio uses Big model/);
  // the request it gives is the one that made the image
  const req = draftRequest(r.draft);
  assert.deepEqual([req.width, req.height, req.steps, req.guidance, req.seed, req.temperature, req.topP], [768, 512, 40, 2.5, 42, 0.8, 0.7]);
  // the same model: nothing to say
  assert.deepEqual(recallFromRecipe({ kind: 'glimmer', recipe: ours }, { current, model: { id: ours.model, name: 'Tiny test' } })!.notes, []);
});

test('an edit recipe, a negative prompt, a size outside the rule: filled where possible, each said once', () => {
  const edit: StoredRecipe = { ...ours, mode: 'edit', width: 64, height: 48, negativePrompt: 'blurry' };
  const r = recallFromRecipe({ kind: 'glimmer', recipe: edit }, { current: DEFAULT_DRAFT, model: { id: ours.model, name: 'x' } })!;
  assert.deepEqual(r.notes.map((n) => n.field).sort(), ['mode', 'negativePrompt', 'size']);
  assert.equal(r.draft.width % 32, 0);
  assert.ok(r.draft.width >= 512 && r.draft.height >= 512);
  assert.equal(r.draft.width > r.draft.height, true, 'the same shape');
  assert.deepEqual(r.canvas, { mode: 'edit', prompt: ours.prompt, steps: 40, guidance: 2.5 });
});

test('an A1111 text: prompt, size, steps, CFG as guidance, seed; the rest said, the form keeps its sampling', () => {
  const parameters = parseParameters('a cat in a hat\nNegative prompt: lowres\nSteps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x768, Model: sd15');
  const current = { ...DEFAULT_DRAFT, temperature: 1.1, topP: null };
  const r = recallFromRecipe({ kind: 'a1111', parameters }, { current, model: null })!;
  assert.equal(r.source, 'a1111');
  assert.deepEqual([r.draft.prompt, r.draft.width, r.draft.height, r.draft.steps, r.draft.guidance, r.draft.seed], ['a cat in a hat', 512, 768, 28, 6.5, 3141592653]);
  assert.deepEqual([r.draft.temperature, r.draft.topP], [1.1, null]);
  assert.deepEqual(r.notes.map((n) => n.field).sort(), ['model', 'negativePrompt', 'sampler']);
  // a CFG beyond the studio's range, a seed it cannot read
  const odd = recallFromRecipe({ kind: 'a1111', parameters: parseParameters('x\nSteps: 20, CFG scale: 30, Seed: -1') }, { current: DEFAULT_DRAFT, model: null })!;
  assert.deepEqual(odd.notes.map((n) => n.field).sort(), ['guidance', 'seed']);
  assert.equal(odd.draft.guidance, DEFAULT_DRAFT.guidance);
  // no recipe: nothing to use
  assert.equal(recallFromRecipe({ kind: 'none', reason: 'no-recipe' }), null);
});

test('the reasons follow the language', async () => {
  await i18n.changeLanguage('zh-CN');
  const r = recallFromRecipe({ kind: 'glimmer', recipe: { ...ours, negativePrompt: 'x' } }, { current: DEFAULT_DRAFT, model: { id: ours.model, name: 'x' } })!;
  assert.match(r.notes[0]!.reason, /反向提示词/);
  await i18n.changeLanguage('en');
});
