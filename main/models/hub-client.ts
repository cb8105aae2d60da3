/**
 * The Hugging Face hub's metadata API, through @huggingface/hub (modelInfo for the commit a revision points at,
 * listFiles for the tree with each LFS file's SHA-256): endpoint configurable for mirrors (HF_ENDPOINT or a
 * setting), an optional token. Hub failures become GlimmerErrors a user can act on.
 */
import { HubApiError, listFiles, modelInfo } from '@huggingface/hub';
import { GlimmerError } from '../contract';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubSettings {
  /** Hub or mirror base URL; default: the setting, else HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Access token for gated models or private mirrors, sent as `Authorization: Bearer`. */
  token?: string;
}

export interface ResolvedHub {
  endpoint: string;
  token: string | undefined;
}

export function resolveHub(settings: HubSettings = {}, env: NodeJS.ProcessEnv = process.env): ResolvedHub {
  const endpoint = (settings.endpoint || env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
  try {
    const u = new URL(endpoint);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new GlimmerError('bad_request', `The hub address "${endpoint}" is not an http(s) URL. Fix it in Settings.`);
  }
  const token = settings.token?.trim() || undefined;
  return { endpoint, token };
}

export interface RemoteFile {
  /** Path in the repo, posix. */
  path: string;
  size: number;
  /** SHA-256 of the content for LFS files (the hub's lfs.oid), else null. */
  sha256: string | null;
  /** Git blob id (SHA-1 of "blob <size>\0" + content); for LFS files it is the pointer's id and not used. */
  gitOid: string | null;
}

/** fetch that adds the token (done here, not through the library's accessToken, so mirror tokens of any form work). */
function authFetch(hub: ResolvedHub, signal?: AbortSignal): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (hub.token) headers.set('Authorization', `Bearer ${hub.token}`);
    return fetch(input, { ...init, headers, ...(signal ? { signal } : {}) });
  };
}

/** Turns any failure of a hub call into a GlimmerError. */
export function hubError(err: unknown, hub: ResolvedHub, what: string): GlimmerError {
  if (err instanceof GlimmerError) return err;
  if (err instanceof Error && err.name === 'AbortError') return new GlimmerError('cancelled', 'The download was stopped.');
  if (err instanceof HubApiError) {
    const s = err.statusCode;
    if (s === 401) {
      return new GlimmerError(
        'unauthorized',
        `${hub.endpoint} refused ${what} (401): the model needs an access token, or the token is wrong. ` +
          'Add a token in Settings → Models and try again.',
        { status: s },
      );
    }
    if (s === 403) {
      return new GlimmerError(
        'forbidden',
        `${hub.endpoint} refused ${what} (403): this account has no access to the model. ` +
          'Accept the model licence on its page with the same account, then try again.',
        { status: s },
      );
    }
    if (s === 404) {
      return new GlimmerError(
        'not_found',
        `${hub.endpoint} could not find ${what} (404). Check the repository name and revision, or the mirror address.`,
        { status: s },
      );
    }
    return new GlimmerError('unavailable', `${hub.endpoint} answered ${s} for ${what}. Try again later.`, {
      status: s,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GlimmerError(
    'unavailable',
    `Could not reach ${hub.endpoint} for ${what} (${message}). Check the internet connection or the mirror address in Settings.`,
  );
}

/** The commit hash a branch, tag or commit names, so that every file comes from the same commit. */
export async function resolveCommit(
  hub: ResolvedHub,
  repo: string,
  revision: string,
  signal?: AbortSignal,
): Promise<string> {
  try {
    const info = await modelInfo({
      name: repo,
      revision,
      hubUrl: hub.endpoint,
      additionalFields: ['sha'],
      fetch: authFetch(hub, signal),
    });
    const sha = (info as { sha?: unknown }).sha;
    if (typeof sha !== 'string' || sha.length === 0) {
      throw new GlimmerError('unavailable', `${hub.endpoint} did not say which commit ${repo}@${revision} is.`);
    }
    return sha;
  } catch (err) {
    throw hubError(err, hub, `the model ${repo} at revision "${revision}"`);
  }
}

/** Every file of the repo at a commit, with sizes and hashes. */
export async function listRemoteFiles(
  hub: ResolvedHub,
  repo: string,
  commit: string,
  signal?: AbortSignal,
): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  try {
    for await (const entry of listFiles({
      repo: { type: 'model', name: repo },
      revision: encodeURIComponent(commit),
      recursive: true,
      hubUrl: hub.endpoint,
      fetch: authFetch(hub, signal),
    })) {
      if (entry.type !== 'file') continue;
      out.push({
        path: entry.path,
        size: entry.lfs?.size ?? entry.size,
        sha256: entry.lfs?.oid ?? null,
        gitOid: entry.lfs ? null : (entry.oid ?? null),
      });
    }
  } catch (err) {
    throw hubError(err, hub, `the file list of ${repo}`);
  }
  return out;
}

/** The download URL of one file (the hub answers with the file or a redirect to its CDN). */
export function resolveFileUrl(hub: ResolvedHub, repo: string, commit: string, filePath: string): string {
  const encodedPath = filePath.split('/').map(encodeURIComponent).join('/');
  return `${hub.endpoint}/${repo}/resolve/${encodeURIComponent(commit)}/${encodedPath}`;
}
