import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, gaussianTensor, RNG_STREAMS } from '../../main/engine/random';

// ---- independent reference: SplitMix64 seeding + xoshiro128** written with BigInt only ----
const M32 = (1n << 32n) - 1n;
const M64 = (1n << 64n) - 1n;

function refFnv(text: string): bigint {
  let h = 14695981039346656037n; // 0xcbf29ce484222325
  for (const b of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(b)) * 1099511628211n) % (1n << 64n);
  return h;
}
function refMix(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 13787848793156543929n) % (1n << 64n);
  z = ((z ^ (z >> 27n)) * 10723151780598845931n) % (1n << 64n);
  return z ^ (z >> 31n);
}
function refRotl32(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (32n - k))) & M32;
}
class RefXoshiro {
  s: bigint[];
  constructor(seed: bigint, stream: string) {
    let x = (((seed % (1n << 64n)) + (1n << 64n)) % (1n << 64n)) ^ refMix(refFnv(stream));
    const step = () => {
      x = (x + 11400714819323198485n) & M64;
      return refMix(x);
    };
    const a = step();
    const b = step();
    this.s = [a & M32, a >> 32n, b & M32, b >> 32n];
  }
  next(): bigint {
    const [s0, s1, s2, s3] = this.s as [bigint, bigint, bigint, bigint];
    const out = (refRotl32((s1 * 5n) & M32, 7n) * 9n) & M32;
    const t = (s1 << 9n) & M32;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = refRotl32(n3, 11n);
    this.s = [n0, n1, n2, n3];
    return out;
  }
}

describe('random: xoshiro128** with SplitMix64 seeding', () => {
  const seeds: Array<number | bigint> = [0, 1, 42, 11, 2 ** 31, 2 ** 53 - 1, -1, 123456789012345678901234567890n];
  for (const seed of seeds) {
    for (const stream of ['ar', 'noise', 'ünïcödé stream']) {
      test(`known-answer vs BigInt reference: seed ${String(seed)}, stream ${stream}`, () => {
        const rng = createRng(seed, stream);
        const ref = new RefXoshiro(BigInt(seed), stream);
        for (let i = 0; i < 1000; i++) assert.equal(rng.nextUint32(), Number(ref.next()), `output ${i}`);
      });
    }
  }

  test('nextFloat and nextDouble are the documented bit slices of the outputs', () => {
    const a = createRng(7, 'x');
    const ref = new RefXoshiro(7n, 'x');
    for (let i = 0; i < 500; i++) {
      const f = a.nextFloat();
      assert.equal(f, Number(ref.next() >> 8n) / 2 ** 24);
      assert.ok(f >= 0 && f < 1);
      assert.equal(Math.fround(f), f, 'exact in float32');
      const d = a.nextDouble();
      const hi = ref.next() >> 5n;
      const lo = ref.next() >> 6n;
      assert.equal(d, Number((hi << 26n) | lo) / 2 ** 53);
      assert.ok(d >= 0 && d < 1);
    }
  });

  test('nextGaussian is Box–Muller on two 53-bit uniforms, in pairs', () => {
    const g = createRng(99, 'noise');
    const u = createRng(99, 'noise');
    for (let i = 0; i < 200; i++) {
      const u1 = 1 - u.nextDouble();
      const u2 = u.nextDouble();
      const r = Math.sqrt(-2 * Math.log(u1));
      assert.equal(g.nextGaussian(), r * Math.cos(2 * Math.PI * u2));
      assert.equal(g.nextGaussian(), r * Math.sin(2 * Math.PI * u2));
    }
  });

  test('same seed and stream → same sequence; gaussianTensor is row-major nextGaussian rounded to float32', () => {
    const t1 = gaussianTensor(createRng(5, RNG_STREAMS.noise), [1, 16, 8, 8]);
    const t2 = gaussianTensor(createRng(5, RNG_STREAMS.noise), [1, 16, 8, 8]);
    assert.deepEqual(t1, t2);
    const r = createRng(5, RNG_STREAMS.noise);
    for (let i = 0; i < t1.length; i++) assert.equal(t1[i], Math.fround(r.nextGaussian()));
    assert.throws(() => gaussianTensor(createRng(1, 'x'), [2, -1]), RangeError);
    assert.equal(gaussianTensor(createRng(1, 'x'), [0, 3]).length, 0);
  });

  test('streams of one seed, and neighbouring seeds, are independent', () => {
    const n = 20000;
    const pairs: Array<[ReturnType<typeof createRng>, ReturnType<typeof createRng>]> = [
      [createRng(11, 'ar'), createRng(11, 'noise')],
      [createRng(11, 'noise'), createRng(12, 'noise')],
    ];
    for (const [a, b] of pairs) {
      const xa = new Float64Array(n);
      const xb = new Float64Array(n);
      let equal = 0;
      for (let i = 0; i < n; i++) {
        const ua = a.nextUint32();
        const ub = b.nextUint32();
        if (ua === ub) equal++;
        xa[i] = ua / 2 ** 32;
        xb[i] = ub / 2 ** 32;
      }
      assert.ok(equal <= 2, `equal outputs ${equal}`);
      // correlation of independent uniforms: sd ≈ 1/sqrt(n) ≈ 0.007; 6 sd bound
      let ma = 0, mb = 0;
      for (let i = 0; i < n; i++) { ma += xa[i]!; mb += xb[i]!; }
      ma /= n; mb /= n;
      let cov = 0, va = 0, vb = 0;
      for (let i = 0; i < n; i++) {
        cov += (xa[i]! - ma) * (xb[i]! - mb);
        va += (xa[i]! - ma) ** 2;
        vb += (xb[i]! - mb) ** 2;
      }
      const corr = cov / Math.sqrt(va * vb);
      assert.ok(Math.abs(corr) < 6 / Math.sqrt(n), `correlation ${corr}`);
    }
  });

  test('distribution sanity over 1e5 samples', () => {
    const n = 100000;
    const rng = createRng(2024, 'stats');
    let s = 0, s2 = 0;
    const bins = new Array<number>(16).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      s += u; s2 += u * u;
      bins[Math.floor(u * 16)]!++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // uniform: mean 1/2 (sd 0.29/sqrt(n) ≈ 0.0009), variance 1/12
    assert.ok(Math.abs(mean - 0.5) < 0.005, `uniform mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.002, `uniform variance ${variance}`);
    // chi-square with 15 dof: mean 15, sd ~5.5; 50 is far in the tail
    const expected = n / 16;
    const chi2 = bins.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    assert.ok(chi2 < 50, `chi2 ${chi2}`);

    const g = gaussianTensor(createRng(2024, 'noise'), [n]);
    let gs = 0, gs2 = 0, g4 = 0, within1 = 0;
    for (const v of g) { gs += v; gs2 += v * v; g4 += v ** 4; if (Math.abs(v) < 1) within1++; }
    const gm = gs / n;
    const gv = gs2 / n - gm * gm;
    assert.ok(Math.abs(gm) < 0.02, `gaussian mean ${gm}`); // sd 0.003
    assert.ok(Math.abs(gv - 1) < 0.03, `gaussian variance ${gv}`); // sd 0.0045
    assert.ok(Math.abs(g4 / n - 3) < 0.15, `gaussian 4th moment ${g4 / n}`); // sd ≈ 0.03
    assert.ok(Math.abs(within1 / n - 0.682689) < 0.01, `P(|z|<1) ${within1 / n}`);
  });

  test('bad seeds are refused with a clear error', () => {
    assert.throws(() => createRng(1.5, 'ar'), /whole number/);
    assert.throws(() => createRng(Number.NaN, 'ar'), /whole number/);
    assert.throws(() => createRng(2 ** 60, 'ar'), /whole number/);
  });
});
