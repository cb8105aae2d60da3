/**
 * The OpenAI-style images API as GLM-Image servers speak it, both ways: what we send to vLLM-Omni
 * and SGLang-Diffusion, and what `glimmer serve` answers to OpenAI-style clients.
 *
 * Only the fields BOTH servers accept are sent (read from their sources):
 *   field                 vLLM-Omni (vllm_omni/entrypoints/openai)      SGLang-Diffusion (multimodal_gen/.../openai)
 *   prompt                generations JSON + edits form                 same
 *   size "WxH"            parse_size; edits default "auto"              generations default "1024x1024"; edits optional
 *   n                     1..10                                         clamped to 1..10
 *   response_format       b64_json by default (url refused)             url by default: we must ask for b64_json
 *   seed                  extension; a random one when absent           extension; 1024 when absent
 *   num_inference_steps   extension                                     extension
 *   guidance_scale        extension (0..20)                             extension
 *   image[] (edits)       alias of image                                alias of image (what the OpenAI SDK sends)
 * Not sent: model (vLLM-Omni refuses a name that is not the one it serves), negative_prompt (GLM-Image's
 * unconditional pass ignores it), output_format (the default is PNG or the model's; any of PNG, JPEG or
 * WebP is read back), masks (vLLM-Omni calls the field mask_image, SGLang mask, and GLM-Image on either
 * has no masked edit). Sizes go out as multiples of 32: an unaligned size fails deep in the GLM-Image
 * pipeline (SGLang answered 500 until it rounded, sglang#32996).
 */
import { RemoteError } from './errors';
import { encodeMultipart, type FormFile, sniffImageType } from './multipart';

export const GENERATIONS_PATH = 'v1/images/generations';
export const EDITS_PATH = 'v1/images/edits';
export const MODELS_PATH = 'v1/models';

export interface ImageParams {
  prompt: string;
  width: number;
  height: number;
  seed: number;
  steps: number;
  guidance: number;
}

/** The nearest multiple of 32 (at least 32). */
export function roundTo32(n: number): number {
  return Math.max(32, Math.round(n / 32) * 32);
}

function common(p: ImageParams): Record<string, string | number> {
  return {
    prompt: p.prompt,
    size: `${roundTo32(p.width)}x${roundTo32(p.height)}`,
    n: 1,
    response_format: 'b64_json',
    seed: p.seed,
    num_inference_steps: p.steps,
    guidance_scale: p.guidance,
  };
}

/** POST /v1/images/generations: JSON. */
export function generationBody(p: ImageParams): { body: Buffer; contentType: string } {
  return { body: Buffer.from(JSON.stringify(common(p)), 'utf8'), contentType: 'application/json' };
}

/** POST /v1/images/edits: multipart, the images as repeated image[] parts in the request's order. */
export function editBody(p: ImageParams, images: Uint8Array[]): { body: Buffer; contentType: string } {
  const files: FormFile[] = images.map((bytes, i) => {
    const type = sniffImageType(bytes) ?? 'application/octet-stream';
    const ext = type === 'image/jpeg' ? 'jpg' : type === 'image/webp' ? 'webp' : 'png';
    return { name: 'image[]', filename: `image-${i + 1}.${ext}`, contentType: type, bytes };
  });
  return encodeMultipart(
    Object.entries(common(p)).map(([k, v]) => [k, String(v)]),
    files,
  );
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (the lenient decoder would turn an error page into bytes). */
export function decodeBase64(text: string): Buffer | null {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) return null;
  return Buffer.from(clean, 'base64');
}

/** The images of an answer ({ data: [{ b64_json }] }), decoded; a clear error for anything else. */
export function parseImagesAnswer(body: Buffer, label: string): Buffer[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RemoteError('bad_answer', `${label} answered with something that is not JSON (${body.subarray(0, 40).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim() || 'binary data'}...); nothing was kept.`);
  }
  const data = (json as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0) throw new RemoteError('bad_answer', `${label} answered without any image (no "data").`);
  return data.map((item: unknown, i) => {
    const b64 = (item as { b64_json?: unknown } | null)?.b64_json;
    if (typeof b64 !== 'string') {
      const hasUrl = typeof (item as { url?: unknown } | null)?.url === 'string';
      throw new RemoteError('bad_answer', `${label} sent image ${i + 1} ${hasUrl ? 'as a URL, not as b64_json' : 'without its b64_json'}.`);
    }
    const bytes = decodeBase64(b64);
    if (!bytes || bytes.length === 0) throw new RemoteError('bad_answer', `${label} sent image ${i + 1} as something that is not base64.`);
    return bytes;
  });
}

/** What GET /v1/models says: the model served and which server it is (vLLM-Omni or SGLang-Diffusion). */
export function parseModelsAnswer(body: Buffer): { model: string | null; product: string } | null {
  try {
    const j = JSON.parse(body.toString('utf8')) as { object?: unknown; data?: Array<Record<string, unknown>> };
    if (!Array.isArray(j.data)) return null;
    const card = j.data[0] ?? {};
    const owner = typeof card.owned_by === 'string' ? card.owned_by.toLowerCase() : '';
    const sglang = owner.includes('sglang') || 'pipeline_class' in card || 'task_type' in card;
    const product = sglang ? 'SGLang-Diffusion' : owner.includes('vllm') ? 'vLLM-Omni' : 'an OpenAI-compatible image server';
    const model = typeof card.id === 'string' ? card.id.slice(0, 200) : typeof card.root === 'string' ? card.root.slice(0, 200) : null;
    return { model, product };
  } catch {
    return null;
  }
}
