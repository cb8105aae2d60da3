/**
 * GraphBuilder: build an ONNX graph node by node, then save it as <base>.onnx + <base>.onnx.data
 * (weights as external data, 64-byte aligned; small constants inline). Names are made unique here,
 * so callers can use readable prefixes freely. Opsets: ai.onnx 21 and com.microsoft 1.
 */
import { copyFile, mkdir, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { commitFile, tempPathFor } from '../atomic-write';
import { NativeModelError } from '../errors';
import { ExternalData } from './data-file';
import { ATTR_TYPE, DATA_TYPE, IR_VERSION, OPSET_MS, OPSET_ONNX, onnxType } from './schema';
import {
  ELEM_BYTES,
  type AttrValue,
  type Dim,
  type ElemType,
  type InitializerData,
  type OpOptions,
  type TensorAttr,
} from './types';

/** Initializers up to this many bytes are stored inside the .onnx file. */
export const INLINE_MAX_BYTES = 1024;

/** Attribute names that are FLOAT in the ONNX / com.microsoft operator specs. */
const FLOAT_ATTRS = new Set([
  'alpha',
  'beta',
  'gamma',
  'epsilon',
  'scale',
  'ratio',
  'lambd',
  'bias',
  'mean',
  'seed',
  'value_float',
  'value_floats',
  'min',
  'max',
  'momentum',
  'spatial_scale',
  'extrapolation_value',
  'cubic_coeff_a',
  'softcap',
  'mask_filter_value',
]);

interface TensorProtoObj {
  name: string;
  data_type: number;
  dims: number[];
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: { key: string; value: string }[];
}

interface ValueInfoObj {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

interface NodeObj {
  name: string;
  op_type: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: Record<string, unknown>[];
}

interface ExternalRef {
  proto: TensorProtoObj;
  offset: number;
  length: number;
}

export interface SaveResult {
  modelPath: string;
  dataPath: string;
  /** Bytes of both files together. */
  bytes: number;
}

export interface GraphBuilderOptions {
  /**
   * Write weights to a file in this folder as they are added instead of keeping them in memory
   * (use the output folder, so save() can rename instead of copy). Then save() can run only once.
   */
  spillDir?: string;
  /** Model metadata (metadata_props). */
  metadata?: Record<string, string>;
  docString?: string;
}

function typeOfData(data: InitializerData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Uint16Array) return 'float16';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int8Array) return 'int8';
  return 'uint8';
}

function bytesOf(data: InitializerData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function valueInfo(name: string, type: ElemType, dims: Dim[]): ValueInfoObj {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DATA_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export class GraphBuilder {
  readonly name: string;
  private readonly nodes: NodeObj[] = [];
  private readonly inputs: ValueInfoObj[] = [];
  private readonly outputs: ValueInfoObj[] = [];
  private readonly inits: TensorProtoObj[] = [];
  private readonly external: ExternalRef[] = [];
  private readonly data: ExternalData;
  private readonly usedValues = new Set<string>();
  private readonly usedNodes = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly constCache = new Map<string, string>();
  private readonly metadata: Record<string, string>;
  private readonly docString: string;
  private saved = false;

  constructor(name: string, opts: GraphBuilderOptions = {}) {
    this.name = name;
    this.data = new ExternalData(opts.spillDir);
    this.metadata = { ...(opts.metadata ?? {}) };
    this.docString = opts.docString ?? '';
  }

  /** A value name not used yet, derived from `base`. */
  uniqueName(base: string): string {
    return this.fresh(base, this.usedValues);
  }

  /** Declare a graph input. The name is used exactly (it is part of the model's interface). */
  input(name: string, type: ElemType, dims: Dim[]): string {
    if (this.usedValues.has(name)) throw new Error(`GraphBuilder ${this.name}: input name "${name}" is already used`);
    this.usedValues.add(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declare a graph output; with `name`, the value is renamed to it through an Identity node. */
  output(value: string, type: ElemType, dims: Dim[], name?: string): void {
    let out = value;
    if (name !== undefined && name !== value) {
      if (this.usedValues.has(name)) throw new Error(`GraphBuilder ${this.name}: output name "${name}" is already used`);
      this.usedValues.add(name);
      this.nodes.push({
        name: this.fresh(`${name}_identity`, this.usedNodes),
        op_type: 'Identity',
        domain: '',
        input: [value],
        output: [name],
        attribute: [],
      });
      out = name;
    } else if (this.inputs.some((i) => i.name === value) || this.inits.some((t) => t.name === value)) {
      // ONNX forbids a graph input/initializer being an output directly
      const renamed = this.op('Identity', [value]);
      out = renamed;
    }
    this.outputs.push(valueInfo(out, type, dims));
  }

  /**
   * A constant tensor (weights). Large ones go to the external data file, small ones inline.
   * The type is taken from the array (Uint16Array = float16) unless given (e.g. 'bool' for Uint8Array).
   * Returns the (unique) value name.
   */
  initializer(name: string, data: InitializerData, dims: number[], type?: ElemType): string {
    const t = type ?? typeOfData(data);
    const numel = dims.reduce((a, b) => a * b, 1);
    if (numel * ELEM_BYTES[t] !== data.byteLength) {
      throw new Error(
        `GraphBuilder ${this.name}: initializer "${name}" has ${data.byteLength} bytes, dims ${JSON.stringify(dims)} of ${t} need ${numel * ELEM_BYTES[t]}`,
      );
    }
    const unique = this.fresh(name, this.usedValues);
    const proto: TensorProtoObj = { name: unique, data_type: DATA_TYPE[t], dims: [...dims] };
    const bytes = bytesOf(data);
    if (bytes.byteLength <= INLINE_MAX_BYTES) {
      proto.raw_data = Buffer.from(bytes); // copy
    } else {
      const offset = this.data.append(bytes);
      this.external.push({ proto, offset, length: bytes.byteLength });
    }
    this.inits.push(proto);
    return unique;
  }

  /** A small int64 constant (inline, shared between identical uses). dims default [values.length]; [] = scalar. */
  constInt64(values: number[] | bigint[], dims?: number[]): string {
    const arr = BigInt64Array.from((values as (number | bigint)[]).map((v) => BigInt(v)));
    return this.constant('const_i64', arr, dims ?? [arr.length], 'int64');
  }

  /** A small float32 constant (inline, shared). dims default [values.length]; [] = scalar. */
  constFloat(values: number[], dims?: number[]): string {
    return this.constant('const_f32', Float32Array.from(values), dims ?? [values.length], 'float32');
  }

  /** A small float16 constant (values given as fp16 bit patterns). */
  constFloat16Bits(bits: Uint16Array, dims?: number[]): string {
    return this.constant('const_f16', bits, dims ?? [bits.length], 'float16');
  }

  private constant(prefix: string, data: InitializerData, dims: number[], type: ElemType): string {
    const key = `${type}|${dims.join(',')}|${Buffer.from(bytesOf(data)).toString('base64')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.initializer(prefix, data, dims, type);
    this.constCache.set(key, name);
    return name;
  }

  /** Add a node; returns its (first) output's name. */
  op(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, opts?: OpOptions): string {
    return this.opMulti(opType, inputs, attrs, opts)[0];
  }

  /** Add a node with `opts.outputs` outputs (default 1); returns their names. */
  opMulti(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, opts?: OpOptions): string[] {
    if (this.saved && this.data.spilled) throw new Error(`GraphBuilder ${this.name}: already saved`);
    for (const i of inputs) {
      if (i !== '' && !this.usedValues.has(i)) {
        throw new Error(`GraphBuilder ${this.name}: ${opType} input "${i}" is not defined yet`);
      }
    }
    const nodeName = this.fresh(opts?.name ?? opType, this.usedNodes);
    const n = opts?.outputs ?? 1;
    const outputs: string[] = [];
    for (let k = 0; k < n; k++) outputs.push(this.fresh(n === 1 ? nodeName : `${nodeName}_${k}`, this.usedValues));
    this.nodes.push({
      name: nodeName,
      op_type: opType,
      domain: opts?.domain ?? '',
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs ?? {}).map(([k, v]) => this.attribute(k, v)),
    });
    return outputs;
  }

  /** Number of nodes so far (for tests and reports). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Bytes of external weight data so far. */
  get externalBytes(): number {
    return this.data.length;
  }

  private attribute(name: string, v: AttrValue): Record<string, unknown> {
    if (typeof v === 'string') return { name, type: ATTR_TYPE.STRING, s: Buffer.from(v, 'utf8') };
    if (typeof v === 'number') {
      if (!FLOAT_ATTRS.has(name) && Number.isInteger(v)) return { name, type: ATTR_TYPE.INT, i: v };
      return { name, type: ATTR_TYPE.FLOAT, f: v };
    }
    if (v instanceof Float32Array) return { name, type: ATTR_TYPE.FLOATS, floats: Array.from(v) };
    if (Array.isArray(v)) {
      if (v.length > 0 && typeof v[0] === 'string') {
        return { name, type: ATTR_TYPE.STRINGS, strings: (v as string[]).map((s) => Buffer.from(s, 'utf8')) };
      }
      const nums = v as number[];
      if (FLOAT_ATTRS.has(name) || nums.some((x) => !Number.isInteger(x))) return { name, type: ATTR_TYPE.FLOATS, floats: nums };
      return { name, type: ATTR_TYPE.INTS, ints: nums };
    }
    const t = (v as TensorAttr).tensor;
    return {
      name,
      type: ATTR_TYPE.TENSOR,
      t: { name: '', data_type: DATA_TYPE[t.type], dims: t.dims, raw_data: Buffer.from(bytesOf(t.data)) },
    };
  }

  private fresh(base: string, used: Set<string>): string {
    const clean = base.length > 0 ? base : 'v';
    if (!used.has(clean)) {
      used.add(clean);
      return clean;
    }
    let k = this.counters.get(clean) ?? 1;
    let name = `${clean}_${k}`;
    while (used.has(name)) name = `${clean}_${++k}`;
    this.counters.set(clean, k + 1);
    used.add(name);
    return name;
  }

  /** The serialised ModelProto, with external-data references pointing at `dataFileName`. */
  encode(dataFileName: string): Uint8Array {
    for (const ref of this.external) {
      ref.proto.data_location = 1;
      ref.proto.external_data = [
        { key: 'location', value: dataFileName },
        { key: 'offset', value: String(ref.offset) },
        { key: 'length', value: String(ref.length) },
      ];
    }
    const model = {
      ir_version: IR_VERSION,
      producer_name: 'glimmer-studio',
      producer_version: '0.1.0',
      model_version: 1,
      doc_string: this.docString,
      opset_import: [
        { domain: '', version: OPSET_ONNX },
        { domain: 'com.microsoft', version: OPSET_MS },
      ],
      metadata_props: Object.entries(this.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const T = onnxType('ModelProto');
    const err = T.verify(model);
    if (err) throw new Error(`GraphBuilder ${this.name}: invalid model: ${err}`);
    return T.encode(T.fromObject(model)).finish();
  }

  /**
   * Write <dir>/<baseName>.onnx and <dir>/<baseName>.onnx.data. Both are written to temporary
   * files first and renamed into place, so an error leaves no partial output behind.
   */
  async save(dir: string, baseName: string): Promise<SaveResult> {
    if (this.saved && this.data.spilled) throw new Error(`GraphBuilder ${this.name}: a spilled graph can be saved only once`);
    if (this.outputs.length === 0) throw new Error(`GraphBuilder ${this.name}: the graph has no outputs`);
    await mkdir(dir, { recursive: true });
    const modelPath = path.join(dir, `${baseName}.onnx`);
    const dataName = `${baseName}.onnx.data`;
    const dataPath = path.join(dir, dataName);
    const tmpModel = tempPathFor(modelPath);
    const tmpData = tempPathFor(dataPath);
    try {
      const modelBytes = this.encode(dataName);
      if (this.data.spilled) {
        this.data.closeSpill();
        try {
          await rename(this.data.spillPath!, tmpData);
        } catch {
          await copyFile(this.data.spillPath!, tmpData); // another filesystem
          await unlink(this.data.spillPath!);
        }
      } else {
        const fh = await open(tmpData, 'w');
        try {
          for (const c of this.data.memoryChunks()) await fh.write(c);
        } finally {
          await fh.close();
        }
      }
      await writeFile(tmpModel, modelBytes);
      const dataSize = (await stat(tmpData)).size;
      if (dataSize !== this.data.length) throw new Error(`external data file has ${dataSize} bytes, expected ${this.data.length}`);
      // the data first, then the model that names it: a model file never points at missing data
      await commitFile(tmpData, dataPath);
      try {
        await commitFile(tmpModel, modelPath);
      } catch (e) {
        await unlink(dataPath).catch(() => undefined); // no data file without its model
        throw e;
      }
      this.saved = true;
      return { modelPath, dataPath, bytes: modelBytes.byteLength + dataSize };
    } catch (e) {
      await unlink(tmpModel).catch(() => undefined);
      await unlink(tmpData).catch(() => undefined);
      if (this.data.spilled) this.data.discard();
      if (e instanceof NativeModelError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') {
        throw new NativeModelError('disk_full', `The disk is full while writing ${modelPath}. Free some space and compile again.`, {
          file: modelPath,
        });
      }
      throw new NativeModelError('internal', `Could not write the model ${modelPath}: ${(e as Error).message}`, { file: modelPath });
    }
  }

  /** Drop a spill file without saving (after a failed build). */
  discard(): void {
    this.data.discard();
  }
}
