/**
 * IEEE 754 half precision (fp16) and bfloat16 <-> float32 conversion. One place for both: the
 * safetensors reader widens F16/BF16 weights with these, and the ONNX precision code narrows fp32
 * weights to fp16 initializers. Narrowing rounds to nearest, ties to even; it keeps inf, NaN,
 * signed zero and subnormals, and overflows to inf like a hardware cast.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float32 → fp16 bits (round to nearest even). */
export function float32ToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) {
    // inf or NaN (keep NaN quiet and non-zero)
    return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  }
  const e = exp - 127 + 15; // re-biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow → inf
  if (e <= 0) {
    // subnormal half (or zero): shift the mantissa (with its implicit 1) right
    if (e < -10) return sign; // too small even for the smallest subnormal (rounds to zero)
    mant |= 0x800000;
    const shift = 14 - e; // 14..24
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    const rounded = rest > mid || (rest === mid && (half & 1) === 1) ? half + 1 : half;
    return sign | rounded; // a carry into bit 10 gives the smallest normal, which is right
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  const rounded = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? half + 1 : half;
  return sign | rounded; // a carry may roll the exponent up, to inf at the top: correct
}

/** One fp16 bit pattern → float32 value. */
export function halfBitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 values → fp16 bit patterns (round to nearest even). */
export function toFloat16(a: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = float32ToHalfBits(a[i]);
  return out;
}

/** fp16 bit patterns → float32 values (exact). */
export function fromFloat16(a: Uint16Array): Float32Array {
  const table = halfTable();
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = table[a[i]];
  return out;
}

let halfLookup: Float32Array | undefined;
function halfTable(): Float32Array {
  if (!halfLookup) {
    halfLookup = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfLookup[h] = halfBitsToFloat32(h);
  }
  return halfLookup;
}

/** bfloat16 bit patterns → float32 values (exact: bf16 is the top half of a float32). */
export function fromBFloat16(a: Uint16Array): Float32Array {
  const out = new Float32Array(a.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < a.length; i++) bits[i] = a[i] << 16;
  return out;
}

/** float32 values → bfloat16 bit patterns (round to nearest even; NaN stays NaN). */
export function toBFloat16(a: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) {
    f32[0] = a[i];
    const x = u32[0];
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    const rounded = x + 0x7fff + ((x >>> 16) & 1);
    out[i] = (rounded >>> 16) & 0xffff;
  }
  return out;
}
