/**
 * The bytes of a request's images, in the model's order, whether given inline (base64) or named by
 * generation id and resolved by the queue from the library.
 */
import { type GenerateRequest, type ImageRef, GlimmerError, requestImages } from '../contract';
import type { RemoteInputs } from './types';

export function refBytes(ref: ImageRef, what: string, inputs: RemoteInputs | undefined): Buffer {
  if ('dataBase64' in ref) return Buffer.from(ref.dataBase64, 'base64');
  const given = inputs?.images?.[ref.generationId];
  if (!given) throw new GlimmerError('not_found', `${what} names generation ${ref.generationId}, which is not in the library.`);
  return Buffer.from(given.buffer, given.byteOffset, given.byteLength);
}

export function requestImageBytes(req: GenerateRequest, inputs: RemoteInputs | undefined): Array<{ bytes: Buffer; role: string }> {
  return requestImages(req).map((n) => ({ bytes: refBytes(n.ref, `The ${n.role} image`, inputs), role: n.role }));
}
