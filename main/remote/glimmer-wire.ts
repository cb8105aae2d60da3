/**
 * A job as another Glimmer server takes it: our GenerateRequest with everything that points into
 * this studio's library made self-contained. Images named by generation id go as their bytes, the
 * tokens of "vary details" go as priorTokens, and local ids (project, parent, reused generation) and
 * the target stay here (they mean nothing there; the recipe gets them back when the image lands).
 */
import { type GenerateRequest, GlimmerError, type ImageRef } from '../contract';
import type { RemoteInputs } from './types';
import { refBytes } from './request-images';

function inline(ref: ImageRef, what: string, inputs: RemoteInputs | undefined): ImageRef {
  if ('dataBase64' in ref) return ref;
  return { dataBase64: refBytes(ref, what, inputs).toString('base64'), name: `generation-${ref.generationId}.png` };
}

function int32Base64(ids: Int32Array): string {
  const b = Buffer.alloc(ids.length * 4);
  ids.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b.toString('base64');
}

export function glimmerWireRequest(req: GenerateRequest, inputs: RemoteInputs | undefined): Record<string, unknown> {
  const { target: _target, projectId: _project, parentId: _parent, reuseTokensOf, ...rest } = req;
  const out: Record<string, unknown> = { ...rest };
  switch (req.mode) {
    case 'edit':
      out.images = req.images.map((r, i) => inline(r, i === 0 ? 'The source image' : `Reference image ${i + 1}`, inputs));
      if (req.mask) out.mask = inline(req.mask, 'The mask', inputs);
      break;
    case 'style':
      out.content = inline(req.content, 'The content image', inputs);
      out.style = inline(req.style, 'The style image', inputs);
      if (req.moreStyles) out.moreStyles = req.moreStyles.map((r, i) => inline(r, `Style image ${i + 2}`, inputs));
      break;
    case 'identity':
      out.subject = inline(req.subject, 'The subject image', inputs);
      break;
    case 'text':
      break;
  }
  if (reuseTokensOf !== undefined && req.priorTokens === undefined) {
    const t = inputs?.reuseTokens;
    if (!t) throw new GlimmerError('not_found', `Generation ${reuseTokensOf} has no AR tokens to reuse; use "vary composition" instead.`);
    out.priorTokens = { rows: t.rows, cols: t.cols, data: int32Base64(t.ids) };
  }
  return out;
}
