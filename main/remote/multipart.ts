/**
 * multipart/form-data, both ways: the body of an OpenAI-style `/v1/images/edits` request we send
 * (fields, then image files), and the parts of one we receive (`glimmer serve`'s own images API).
 * The reader is bounded: a body with too many parts, or a part without its headers, is refused.
 */
import { randomBytes } from 'node:crypto';
import { GlimmerError } from '../contract';

export interface FormFile {
  name: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface FormPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

const SAFE = /^[\x20-\x7e]*$/;

function quoted(v: string): string {
  if (!SAFE.test(v)) throw new GlimmerError('bad_request', 'A form field name must be plain ASCII.');
  return v.replace(/["\\]/g, '_');
}

export function encodeMultipart(fields: Array<[string, string]>, files: FormFile[]): { body: Buffer; contentType: string } {
  const boundary = `glimmer-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of fields) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`, 'utf8'));
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(f.name)}"; filename="${quoted(f.filename)}"\r\nContent-Type: ${f.contentType}\r\n\r\n`, 'utf8'),
      Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The boundary of a multipart/form-data content type, or null when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function headerParam(header: string, key: string): string | null {
  const m = new RegExp(`(?:^|;)\\s*${key}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`(?:^|;)\\s*${key}=([^;\\s]*)`, 'i').exec(header);
  return m ? m[1]! : null;
}

export function decodeMultipart(body: Buffer, boundary: string, maxParts = 64): FormPart[] {
  const bad = (why: string) => new GlimmerError('bad_request', `The form body is not valid multipart/form-data (${why}).`);
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad('no boundary');
  const parts: FormPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw bad('a boundary without a line end');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0 || headerEnd - pos > 8192) throw bad('a part without headers');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw bad('no closing boundary');
    let disposition = '';
    let contentType: string | null = null;
    for (const line of headers) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') disposition = value;
      else if (key === 'content-type') contentType = value;
    }
    const name = headerParam(disposition, 'name');
    if (!/^form-data/i.test(disposition) || name === null) throw bad('a part without a name');
    parts.push({ name, filename: headerParam(disposition, 'filename'), contentType, data: body.subarray(headerEnd + 4, next) });
    if (parts.length > maxParts) throw bad(`more than ${maxParts} parts`);
    pos = next + 2;
  }
}

/** The image type of some bytes by their first bytes (what a file part declares is not trusted). */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}
