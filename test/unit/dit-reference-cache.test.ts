/** Several reference images' caches are concatenated along the token axis of [layers, heads, R, D]. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceKvCache } from '../../main/engine/dit';

function filled(layers: number, heads: number, len: number, d: number, tag: number): ReferenceKvCache {
  const n = layers * heads * len * d;
  const k = new Float32Array(n);
  const v = new Float32Array(n);
  // value encodes (tag, layer·heads + head, token, dim) so a misplaced element is visible
  for (let lh = 0; lh < layers * heads; lh++)
    for (let r = 0; r < len; r++)
      for (let j = 0; j < d; j++) {
        const i = (lh * len + r) * d + j;
        k[i] = tag * 1e6 + lh * 1e4 + r * 10 + j;
        v[i] = -k[i];
      }
  return new ReferenceKvCache(layers, heads, len, d, k, v);
}

test('concat places each reference after the previous one, per layer and head', () => {
  const a = filled(2, 3, 4, 5, 1);
  const b = filled(2, 3, 2, 5, 2);
  const c = ReferenceKvCache.concat([a, b]);
  assert.deepEqual(c.dims, [2, 3, 6, 5]);
  for (let lh = 0; lh < 6; lh++)
    for (let r = 0; r < 6; r++)
      for (let j = 0; j < 5; j++) {
        const [src, rr] = r < 4 ? [a, r] : [b, r - 4];
        const expect = src.keys[(lh * src.length + rr) * 5 + j];
        assert.equal(c.keys[(lh * 6 + r) * 5 + j], expect);
        assert.equal(c.values[(lh * 6 + r) * 5 + j], -expect);
      }
  assert.equal(ReferenceKvCache.concat([a]), a);
});

test('caches of different shapes do not combine; sizes must fit', () => {
  assert.throws(() => ReferenceKvCache.concat([filled(2, 3, 1, 5, 1), filled(2, 2, 1, 5, 1)]));
  assert.throws(() => ReferenceKvCache.concat([]));
  assert.throws(() => new ReferenceKvCache(1, 1, 2, 2, new Float32Array(3), new Float32Array(4)));
  assert.deepEqual(ReferenceKvCache.empty(2, 3, 5).dims, [2, 3, 0, 5]);
});
