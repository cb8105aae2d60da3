/**
 * A one-op ONNX model (y = Identity(x), x: float32[N]) used to probe whether an execution provider
 * can start a session on this machine.
 */
import { GraphBuilder } from '../../native-models/onnx';

let bytes: Uint8Array | null = null;

export function probeModelBytes(): Uint8Array {
  if (bytes) return bytes;
  const g = new GraphBuilder('provider_probe');
  const x = g.input('x', 'float32', ['n']);
  g.output(g.op('Identity', [x]), 'float32', ['n'], 'y');
  bytes = g.encode('provider_probe.onnx.data'); // no initializers: nothing goes to external data
  return bytes;
}
