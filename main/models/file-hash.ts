/**
 * Content hashes the hub publishes: SHA-256 for LFS files (lfs.oid) and the git blob SHA-1 for small files
 * (oid = sha1("blob <size>\0" + content)). A hasher can be seeded from a partial file so a resumed download is
 * checked over all its bytes without fetching them again.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type HashKind = 'sha256' | 'git-sha1';

export interface ContentHasher {
  kind: HashKind;
  update(chunk: Uint8Array): void;
  digest(): string;
}

export function createContentHasher(kind: HashKind, totalSize: number): ContentHasher {
  const h: Hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git-sha1') h.update(`blob ${totalSize}\0`);
  return {
    kind,
    update: (chunk) => {
      h.update(chunk);
    },
    digest: () => h.digest('hex'),
  };
}

/** Feeds the first `length` bytes of a file (all when omitted) into the hasher. */
export async function hashFileInto(
  hasher: ContentHasher,
  file: string,
  options: { length?: number; signal?: AbortSignal } = {},
): Promise<number> {
  if (options.length === 0) return 0;
  const stream = createReadStream(file, {
    highWaterMark: 4 * 1024 * 1024,
    ...(options.length !== undefined ? { end: options.length - 1 } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hasher.update(chunk);
    n += chunk.length;
  }
  return n;
}

export async function hashFile(kind: HashKind, file: string, size: number, signal?: AbortSignal): Promise<string> {
  const h = createContentHasher(kind, size);
  await hashFileInto(h, file, signal ? { signal } : {});
  return h.digest();
}
