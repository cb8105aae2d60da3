/**
 * The subset of onnx.proto (IR version 10) that the writer emits, as a protobufjs JSON descriptor.
 * Field numbers are those of the ONNX spec (onnx/onnx.proto); fields we never write are left out,
 * which protobuf allows. Only encoding is done with it (tests also decode to check what was written).
 */
import protobuf from 'protobufjs';

const str = (id: number) => ({ type: 'string', id });
const i64 = (id: number) => ({ type: 'int64', id });
const rep = (type: string, id: number) => ({ rule: 'repeated', type, id });

const descriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: str(1), value: str(2) } },
        OperatorSetIdProto: { fields: { domain: str(1), version: i64(2) } },
        TensorShapeProto: {
          fields: { dim: rep('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: i64(1), dim_param: str(2), denotation: str(3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: { type: 'Tensor', id: 1 }, denotation: str(6) },
          nested: {
            Tensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
          },
        },
        ValueInfoProto: {
          fields: { name: str(1), type: { type: 'TypeProto', id: 2 }, doc_string: str(3) },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: { packed: true } },
            data_type: { type: 'int32', id: 2 },
            float_data: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            int32_data: { rule: 'repeated', type: 'int32', id: 5, options: { packed: true } },
            int64_data: { rule: 'repeated', type: 'int64', id: 7, options: { packed: true } },
            name: str(8),
            raw_data: { type: 'bytes', id: 9 },
            doc_string: str(12),
            external_data: rep('StringStringEntryProto', 13),
            data_location: { type: 'DataLocation', id: 14 },
          },
          nested: { DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } } },
        },
        AttributeProto: {
          fields: {
            name: str(1),
            f: { type: 'float', id: 2 },
            i: i64(3),
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7, options: { packed: true } },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: { packed: true } },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            doc_string: str(13),
            type: { type: 'AttributeType', id: 20 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
              },
            },
          },
        },
        NodeProto: {
          fields: {
            input: rep('string', 1),
            output: rep('string', 2),
            name: str(3),
            op_type: str(4),
            attribute: rep('AttributeProto', 5),
            doc_string: str(6),
            domain: str(7),
          },
        },
        GraphProto: {
          fields: {
            node: rep('NodeProto', 1),
            name: str(2),
            initializer: rep('TensorProto', 5),
            doc_string: str(10),
            input: rep('ValueInfoProto', 11),
            output: rep('ValueInfoProto', 12),
            value_info: rep('ValueInfoProto', 13),
          },
        },
        ModelProto: {
          fields: {
            ir_version: i64(1),
            producer_name: str(2),
            producer_version: str(3),
            domain: str(4),
            model_version: i64(5),
            doc_string: str(6),
            graph: { type: 'GraphProto', id: 7 },
            opset_import: rep('OperatorSetIdProto', 8),
            metadata_props: rep('StringStringEntryProto', 14),
          },
        },
      },
    },
  },
};

let root: protobuf.Root | undefined;

/** The protobufjs type of an ONNX message, e.g. onnxType('ModelProto'). */
export function onnxType(name: 'ModelProto' | 'GraphProto' | 'NodeProto' | 'TensorProto' | 'AttributeProto'): protobuf.Type {
  root ??= protobuf.Root.fromJSON(descriptor);
  return root.lookupType(`onnx.${name}`);
}

/** ONNX TensorProto.DataType codes. */
export const DATA_TYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
} as const;

export const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export const IR_VERSION = 10;
export const OPSET_ONNX = 21;
export const OPSET_MS = 1;
