import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { toFloat16, fromFloat16 } from '../../native-models/onnx';
import { toBFloat16, fromBFloat16, halfBitsToFloat32 } from '../../native-models/float16';

const h = (x: number) => toFloat16([x])[0];
const back = (x: number) => fromFloat16(toFloat16([x]))[0];

/** Independent reference: the nearest fp16 value by search over all finite halves (ties to even bits). */
const finiteHalves: { v: number; bits: number }[] = [];
for (let b = 0; b < 0x7c00; b++) finiteHalves.push({ v: halfBitsToFloat32(b), bits: b });
function nearestHalfBits(x: number): number {
  const a = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  if (a >= 65520) return sign | 0x7c00; // 65504 + half an ulp (16): rounds to inf
  let lo = 0;
  let hi = finiteHalves.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (finiteHalves[mid].v <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - finiteHalves[lo].v;
  const dh = finiteHalves[hi].v - a;
  const pick = dl < dh ? lo : dh < dl ? hi : (finiteHalves[lo].bits & 1) === 0 ? lo : hi;
  return sign | finiteHalves[pick].bits;
}

describe('float16', () => {
  test('special values: zeros, infinities, NaN, limits', () => {
    assert.equal(h(0), 0x0000);
    assert.equal(h(-0), 0x8000);
    assert.equal(h(Infinity), 0x7c00);
    assert.equal(h(-Infinity), 0xfc00);
    assert.ok(Number.isNaN(back(NaN)));
    assert.equal(h(65504), 0x7bff); // largest finite
    assert.equal(h(65519.99), 0x7bff); // below the halfway point
    assert.equal(h(65520), 0x7c00); // halfway to 65536: ties to even = inf
    assert.equal(h(1e6), 0x7c00); // overflow → inf
    assert.equal(h(-1e6), 0xfc00);
    assert.equal(back(1), 1);
    assert.equal(back(-2.5), -2.5);
  });

  test('subnormals and underflow', () => {
    assert.equal(h(2 ** -24), 0x0001); // smallest subnormal
    assert.equal(h(2 ** -25), 0x0000); // exactly half: ties to even → 0
    assert.equal(h(2 ** -25 * 1.0001), 0x0001);
    assert.equal(h(3 * 2 ** -25), 0x0002); // 1.5 ulps: ties to even → 2
    assert.equal(h(1023 * 2 ** -24), 0x03ff); // largest subnormal
    assert.equal(h(2 ** -14), 0x0400); // smallest normal
    assert.equal(h(2 ** -14 - 2 ** -26), 0x0400); // rounds up into the normal range
    assert.equal(h(1e-10), 0x0000);
    assert.equal(h(-1e-10), 0x8000);
    assert.equal(back(5 * 2 ** -24), 5 * 2 ** -24);
  });

  test('round to nearest, ties to even', () => {
    const ulp = 2 ** -10;
    assert.equal(back(1 + ulp / 2), 1); // tie, 1 is even
    assert.equal(back(1 + (3 * ulp) / 2), 1 + 2 * ulp); // tie, rounds up to even
    assert.equal(back(1 + ulp / 2 + 1e-7), 1 + ulp);
    assert.equal(back(2047), 2047);
    assert.equal(back(2049), 2048); // tie at spacing 2
    assert.equal(back(2051), 2052);
  });

  test('every finite half round-trips exactly', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const values = fromFloat16(bits);
    const again = toFloat16(values);
    for (let b = 0; b < 65536; b++) {
      const e = (b >> 10) & 0x1f;
      if (e === 0x1f && (b & 0x3ff) !== 0) {
        assert.ok(Number.isNaN(values[b]));
        continue;
      }
      if (again[b] !== b) assert.fail(`bits 0x${b.toString(16)} → ${values[b]} → 0x${again[b].toString(16)}`);
    }
  });

  test('agrees with a brute-force nearest-half search on many floats', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const xs = new Float32Array(20000);
    for (let i = 0; i < xs.length; i++) xs[i] = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 44 - 28);
    const got = toFloat16(xs);
    for (let i = 0; i < xs.length; i++) {
      const want = nearestHalfBits(xs[i]);
      if (got[i] !== want) assert.fail(`${xs[i]}: got 0x${got[i].toString(16)}, want 0x${want.toString(16)}`);
    }
  });

  test('bfloat16: exact widening, nearest-even narrowing, inf/NaN kept', () => {
    const x = Float32Array.from([1, -2, 3.140625, 1 + 2 ** -8, 1 + 3 * 2 ** -8, Infinity, -Infinity, NaN]);
    const y = fromBFloat16(toBFloat16(x));
    assert.equal(y[0], 1);
    assert.equal(y[1], -2);
    assert.equal(y[2], 3.140625);
    assert.equal(y[3], 1); // tie → even
    assert.equal(y[4], 1 + 4 * 2 ** -8); // tie → even (up)
    assert.equal(y[5], Infinity);
    assert.equal(y[6], -Infinity);
    assert.ok(Number.isNaN(y[7]));
    assert.equal(fromBFloat16(Uint16Array.from([0x3f80]))[0], 1);
  });
});
