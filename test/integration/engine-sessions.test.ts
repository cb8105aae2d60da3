/**
 * Module sessions across images (main/engine/pipeline/sessions.ts) on the compiled fixture model:
 * what is loaded when each module loads, and how many sessions two images at the same settings make,
 * under the plain profiles and under a budget (a memory tier).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledModel, ModuleSessions, profilePlan, runPipeline, type MemoryPlan, type ModuleKey } from '../../main/engine/pipeline';
import { compiledTinyModel } from '../helpers/engine';

let model: CompiledModel;
before(async () => {
  model = await CompiledModel.open(await compiledTinyModel());
});

/** Runs two text-to-image generations; returns, for every session made, the module and what was loaded at that moment. */
async function twoImages(plan: MemoryPlan): Promise<{ events: Array<[ModuleKey, ModuleKey[]]>; sessions: ModuleSessions }> {
  const sessions = new ModuleSessions(model, 'cpu', plan);
  const events: Array<[ModuleKey, ModuleKey[]]> = [];
  const load = model.loadModule.bind(model);
  model.loadModule = ((key, provider, low) => {
    events.push([key, sessions.loadedModules]);
    return load(key, provider, low);
  }) as typeof model.loadModule;
  try {
    for (const seed of [1, 2]) {
      sessions.beginJob({ width: 64, height: 64 });
      await runPipeline({ mode: 'text', prompt: 'a sign that says "OPEN"', width: 64, height: 64, steps: 1, guidance: 1.5, seed, references: [] }, { sessions, app: 'test' });
    }
  } finally {
    model.loadModule = load;
  }
  return { events, sessions };
}

describe('module sessions across images', () => {
  after(async () => undefined);

  test('resident: the second image at the same settings loads nothing', async () => {
    const { events, sessions } = await twoImages(profilePlan('resident'));
    try {
      assert.deepEqual(events.map(([k]) => k), ['ar', 'glyph', 'dit', 'vaeDecoder']);
      assert.deepEqual([...sessions.loads.values()], [1, 1, 1, 1]);
    } finally {
      await sessions.releaseAll();
    }
  });

  test('a budget everything fits in (a tier on a large device): sequential also keeps every session for the next image', async () => {
    const { events, sessions } = await twoImages({ profile: 'sequential', budget: 64e9, vaeTileAbovePixels: 1024 * 1024 });
    try {
      assert.deepEqual(events.map(([k]) => k), ['ar', 'glyph', 'dit', 'vaeDecoder']);
      assert.deepEqual(sessions.loadedModules.sort(), ['ar', 'dit', 'glyph', 'vaeDecoder']);
    } finally {
      await sessions.releaseAll();
    }
  });

  test('sequential without a budget: each stage released when it ends; the glyph encoder before the DiT loads', async () => {
    const { events, sessions } = await twoImages(profilePlan('sequential'));
    try {
      assert.deepEqual(events.map(([k]) => k), ['ar', 'glyph', 'dit', 'vaeDecoder', 'ar', 'glyph', 'dit', 'vaeDecoder']);
      for (const [key, loaded] of events) assert.deepEqual(loaded, [], `nothing else in memory when ${key} loads`);
      assert.deepEqual(sessions.loadedModules, []);
    } finally {
      await sessions.releaseAll();
    }
  });

  test('a budget nothing else fits beside: each load releases what is in memory, least recently used first', async () => {
    const { events, sessions } = await twoImages({ profile: 'sequential', budget: 1, vaeTileAbovePixels: 1024 * 1024 });
    try {
      assert.deepEqual(events.map(([k]) => k), ['ar', 'glyph', 'dit', 'vaeDecoder', 'ar', 'glyph', 'dit', 'vaeDecoder']);
      for (const [key, loaded] of events) assert.deepEqual(loaded, [], `room made for ${key}`);
      // the last stage's module stays until something needs its room
      assert.deepEqual(sessions.loadedModules, ['vaeDecoder']);
    } finally {
      await sessions.releaseAll();
    }
  });

  test('a budget between: every load fits beside what stays, and only what must go is released', async () => {
    const held = (k: ModuleKey) => model.weightBytes(k, 'cpu') * 1.05;
    // the working memory kept free per stage: the provider overhead (0.3 GB) plus the (tiny) activations
    const reserve = 0.3e9 + 7e6;
    const budget = 0.3e9 + held('ar') + 1.5e6;
    const { events, sessions } = await twoImages({ profile: 'sequential', budget, vaeTileAbovePixels: 1024 * 1024 });
    try {
      console.log(`  at each load: ${events.map(([k, l]) => `${k}[${l.join('+')}]`).join(' ')}`);
      let previous: ModuleKey[] = [];
      for (const [key, loaded] of events) {
        const sum = (ks: ModuleKey[]) => ks.reduce((a, k) => a + held(k), 0);
        assert.ok(loaded.length === 0 || sum(loaded) + held(key) + 0.3e9 <= budget, `${key} fits beside ${loaded.join('+')}`);
        // anything released since the last load was needed: with it back, the load would not fit
        const released = previous.filter((k) => !loaded.includes(k));
        for (const k of released) assert.ok(sum([...loaded, k]) + held(key) + reserve > budget - 1e6, `${k} was released for ${key} without need`);
        previous = [...loaded, key];
      }
      assert.ok(events.some(([, loaded]) => loaded.length > 0), 'something stayed beside a later load');
      assert.ok(events.some(([key, loaded], i) => i > 0 && loaded.length < events[i - 1]![1].length + 1), 'something was released for a later load');
    } finally {
      await sessions.releaseAll();
    }
  });
});
