/**
 * Tokenizer and processor parity: golden/tokenizer.json ids, and proc.input_ids / proc.image_grid_thw
 * of every golden case, exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GlmImageProcessor } from '../../main/engine/processor';
import { goldenDir, listCases } from '../helpers/fixtures';
import { caseRequest, goldenInts, processorDir, withGolden } from './ar-golden';

const processor = GlmImageProcessor.load(processorDir());

describe('GLM tokenizer', () => {
  const cases = JSON.parse(readFileSync(path.join(goldenDir(), 'tokenizer.json'), 'utf8')).cases as Array<{
    text: string;
    ids: number[];
  }>;
  assert.ok(cases.length > 0);
  for (const c of cases) {
    test(`tokenizes ${JSON.stringify(c.text)}`, () => {
      assert.deepEqual(processor.tokenizer.encode(c.text), c.ids);
    });
  }
});

describe('GLM-Image processor', () => {
  const cases = listCases();
  assert.ok(cases.length > 0, 'no golden cases found');
  for (const name of cases) {
    test(`${name}: input_ids and image_grid_thw`, async () => {
      const req = caseRequest(name);
      const out = req.ref
        ? processor.imageToImage({ ...req, references: [{ height: req.ref[0], width: req.ref[1] }] })
        : processor.textToImage(req);
      await withGolden(name, async (g) => {
        assert.deepEqual(out.inputIds, await goldenInts(g, 'proc.input_ids'));
        assert.deepEqual(out.imageGridThw.flat(), await goldenInts(g, 'proc.image_grid_thw'));
        assert.equal(out.rope.prefill.length, out.inputIds.length);
        // one decode entry per generated token: every generated grid plus the end step
        const steps = g.entry('ar.step_logits').shape[0];
        assert.equal(out.rope.decode.length, steps);
      });
    });
  }
});
