/** Element types, dims and attribute values of the graphs we build. */
export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** A dimension: a number, or a string for a symbolic (dynamic) dimension such as 'batch'. */
export type Dim = number | string;

export type InitializerData = Float32Array | Uint16Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

/** A tensor-valued attribute (e.g. ConstantOfShape's `value`). */
export interface TensorAttr {
  tensor: { type: ElemType; dims: number[]; data: InitializerData };
}

/**
 * Attribute values. Integers become INT, other numbers FLOAT; a number whose attribute name is a
 * known float attribute (epsilon, alpha, scale, ...) is always FLOAT, so `{ alpha: 1 }` is right.
 * number[] becomes INTS (FLOATS for float names or non-integers); Float32Array is always FLOATS.
 */
export type AttrValue = number | string | number[] | string[] | Float32Array | TensorAttr;

export interface OpOptions {
  /** Operator domain: '' (ai.onnx, default) or 'com.microsoft'. */
  domain?: string;
  /** Number of outputs (opMulti). */
  outputs?: number;
  /** Node name prefix (made unique); outputs are named after it. */
  name?: string;
}

export const ELEM_BYTES: Record<ElemType, number> = {
  float32: 4,
  float16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};
