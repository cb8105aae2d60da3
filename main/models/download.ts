/**
 * Downloads a GLM-Image checkpoint from the hub (or a mirror) into a folder, file by file, only the files the app
 * needs. Each file goes to <file>.part and is resumed with an HTTP Range request after a dropped connection, a
 * pause or an app restart (bytes already on disk are never fetched again); each file's hash is checked against the
 * hub's metadata (SHA-256 for LFS files, the git blob id for small ones) and only then renamed into place. A file
 * that does not match is deleted and reported. Free space is checked before the first byte is fetched.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { commitFile } from '../../native-models/atomic-write';
import { type DownloadPhase, type DownloadProgress, formatBytes, GlimmerError } from '../contract';

export type { DownloadPhase, DownloadProgress };
import { ensureFreeSpace, type FreeSpaceFn } from './disk-space';
import {
  readDownloadRecord,
  sameContent,
  writeDownloadRecord,
  type DownloadRecord,
} from './download-record';
import { createContentHasher, hashFile, hashFileInto, type ContentHasher } from './file-hash';
import { readBodyText, rangedGet } from './http-get';
import {
  listRemoteFiles,
  resolveCommit,
  resolveFileUrl,
  resolveHub,
  type HubSettings,
  type RemoteFile,
  type ResolvedHub,
} from './hub-client';
import { DEFAULT_REPO, isNeededRepoFile, MODEL_INDEX } from './layout';
import { SpeedMeter } from './speed-meter';
import { validateCheckpoint, type ValidationReport } from './validate';



export interface DownloadOptions extends HubSettings {
  repo?: string;
  /** Branch, tag or commit; default 'main'. */
  revision?: string;
  /** Folder that receives the checkpoint (created when missing). */
  destDir: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Free-space measurement (tests pass a quota); default fs.statfs. */
  freeSpace?: FreeSpaceFn;
  reserveBytes?: number;
  /** Automatic resumes of one file after a dropped connection before giving up (default 5). */
  retries?: number;
  /** Wait before an automatic resume, times the attempt number (default 2000 ms). */
  retryDelayMs?: number;
  /** Drop and resume a connection that sends nothing for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Files transferred at the same time (default 3). */
  concurrency?: number;
  /** Minimum time between two 'downloading' events (default 250 ms); a file's first event is always sent. */
  progressIntervalMs?: number;
  /** Which repo files to fetch; default: the files the app needs. */
  filter?: (repoPath: string) => boolean;
  env?: NodeJS.ProcessEnv;
}

export interface DownloadedFile {
  path: string;
  size: number;
  sha256: string | null;
  /** Bytes fetched over the network in this run. */
  fetchedBytes: number;
  /** True when the file was already in place (verified earlier) and not fetched. */
  reused: boolean;
}

export interface DownloadResult {
  dir: string;
  repo: string;
  commit: string;
  files: DownloadedFile[];
  fetchedBytes: number;
  reusedBytes: number;
  report: ValidationReport;
}

export interface HashMismatch {
  path: string;
  expected: string;
  actual: string;
  algorithm: 'sha256' | 'git-sha1';
}

/** A failure worth an automatic resume (dropped connection, 5xx), with the bytes of the file received by then. */
class Interrupted extends Error {
  constructor(
    message: string,
    readonly have: number,
  ) {
    super(message);
  }
}

function cancelled(): GlimmerError {
  return new GlimmerError('cancelled', 'The download was stopped. Start it again to resume where it left off.');
}

function localPath(destDir: string, repoPath: string): string {
  const parts = repoPath.split('/');
  if (parts.some((p) => p === '..' || p === '' || p.includes('\\'))) {
    throw new GlimmerError('bad_request', `The hub listed an unsafe file name: ${repoPath}`);
  }
  return path.join(destDir, ...parts);
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function expectedHash(f: RemoteFile): { kind: 'sha256' | 'git-sha1'; value: string } | null {
  if (f.sha256) return { kind: 'sha256', value: f.sha256.toLowerCase() };
  if (f.gitOid) return { kind: 'git-sha1', value: f.gitOid.toLowerCase() };
  return null;
}

interface Ctx {
  hub: ResolvedHub;
  repo: string;
  commit: string;
  destDir: string;
  signal: AbortSignal | undefined;
  retries: number;
  retryDelayMs: number;
  idleTimeoutMs: number;
  meter: SpeedMeter;
  emit: (p: Partial<DownloadProgress> & { phase: DownloadPhase }, force?: boolean) => void;
  state: { bytes: number; total: number; fileCount: number };
}

function httpError(status: number, ctx: Ctx, f: RemoteFile, body: string, have: number): GlimmerError | Interrupted {
  if (status === 401 || status === 403) {
    return new GlimmerError(
      status === 401 ? 'unauthorized' : 'forbidden',
      `${ctx.hub.endpoint} refused ${f.path} (${status}). The model may need an access token or an accepted licence; ` +
        'add a token in Settings → Models and try again.',
      { status, file: f.path },
    );
  }
  if (status === 404) {
    return new GlimmerError('not_found', `${ctx.hub.endpoint} has no ${f.path} at commit ${ctx.commit} (404).`, {
      status,
      file: f.path,
    });
  }
  return new Interrupted(`the server answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`, have);
}

/**
 * One GET from `have` to the end, appended to the .part file. Returns the new byte count; throws Interrupted when
 * the connection drops (every byte received is on disk by then), GlimmerError for what a retry will not fix.
 */
async function fetchRange(
  ctx: Ctx,
  f: RemoteFile,
  partPath: string,
  haveIn: number,
  hasherBox: { hasher: ContentHasher },
  fileIndex: number,
): Promise<number> {
  let have = haveIn;
  const url = resolveFileUrl(ctx.hub, ctx.repo, ctx.commit, f.path);
  let response: IncomingMessage;
  try {
    ({ response } = await rangedGet(url, {
      start: have,
      headers: ctx.hub.token ? { authorization: `Bearer ${ctx.hub.token}` } : {},
      idleTimeoutMs: ctx.idleTimeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }));
  } catch (err) {
    if (ctx.signal?.aborted) throw cancelled();
    throw new Interrupted((err as Error).message, have);
  }
  const status = response.statusCode ?? 0;
  if (status === 416) {
    // The server holds fewer bytes than our part file: the part is not from this file. Start over.
    response.resume();
    await truncate(partPath, 0).catch(() => undefined);
    ctx.state.bytes -= have;
    hasherBox.hasher = createContentHasher(hasherBox.hasher.kind, f.size);
    throw new Interrupted('the server could not serve the requested range; starting the file over', 0);
  }
  if (status !== 200 && status !== 206) {
    throw httpError(status, ctx, f, await readBodyText(response).catch(() => ''), have);
  }
  if (status === 206) {
    const m = /bytes (\d+)-/.exec(String(response.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== have) {
      response.resume();
      throw new Interrupted(`the server sent a different range than asked (${response.headers['content-range']})`, have);
    }
  } else if (have > 0) {
    // The server ignored the Range header and sends the whole file: start the part over.
    await truncate(partPath, 0);
    ctx.state.bytes -= have;
    have = 0;
    hasherBox.hasher = createContentHasher(hasherBox.hasher.kind, f.size);
  }

  const out = createWriteStream(partPath, { flags: 'a', highWaterMark: 64 * 1024 * 1024 });
  let writeError: Error | null = null;
  out.on('error', (err) => {
    writeError = err;
    response.destroy(err);
  });
  response.on('data', (chunk: Buffer) => {
    hasherBox.hasher.update(chunk);
    have += chunk.length;
    ctx.state.bytes += chunk.length;
    ctx.meter.add(chunk.length);
    if (!out.write(chunk)) {
      response.pause();
      out.once('drain', () => response.resume());
    }
    ctx.emit({ phase: 'downloading', file: f.path, fileIndex, fileBytes: have, fileTotal: f.size });
  });
  let readError: unknown = null;
  try {
    await finished(response);
  } catch (err) {
    readError = err;
  }
  out.end();
  await finished(out).catch((err: Error) => {
    writeError ??= err;
  });
  if (writeError) {
    const code = (writeError as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') {
      throw new GlimmerError(
        'disk_full',
        `The disk filled up while writing ${f.path}. Free some space and start again; the download resumes.`,
      );
    }
    throw new GlimmerError('internal', `Could not write ${partPath}: ${(writeError as Error).message}`);
  }
  if (ctx.signal?.aborted) throw cancelled();
  if (readError || !response.complete) {
    throw new Interrupted(readError instanceof Error ? readError.message : 'the connection closed early', have);
  }
  return have;
}

async function fetchFile(
  ctx: Ctx,
  f: RemoteFile,
  partBytes: number,
  fileIndex: number,
): Promise<{ fetched: number; mismatch: HashMismatch | null }> {
  const finalPath = localPath(ctx.destDir, f.path);
  const partPath = `${finalPath}.part`;
  await mkdir(path.dirname(finalPath), { recursive: true });
  const expected = expectedHash(f);
  const hasherBox = { hasher: createContentHasher(expected?.kind ?? 'sha256', f.size) };
  let have = partBytes;
  if (have > 0) {
    ctx.emit({ phase: 'verifying', file: f.path, fileIndex, fileBytes: have, fileTotal: f.size }, true);
    await hashFileInto(hasherBox.hasher, partPath, { length: have, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  }
  ctx.emit({ phase: 'downloading', file: f.path, fileIndex, fileBytes: have, fileTotal: f.size }, true);
  const startHave = have;
  let attempt = 0;
  if (f.size === 0) await writeFile(partPath, '');
  while (have < f.size) {
    if (ctx.signal?.aborted) throw cancelled();
    const before = have;
    try {
      have = await fetchRange(ctx, f, partPath, have, hasherBox, fileIndex);
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      have = err.have;
      const onDisk = (await sizeOf(partPath)) ?? 0;
      if (onDisk !== have) {
        // Never expected (every received byte is written before an interruption is reported); if the part and the
        // running hash disagree, the part cannot be trusted: start the file over rather than risk a wrong check.
        await truncate(partPath, 0).catch(() => undefined);
        ctx.state.bytes -= have;
        hasherBox.hasher = createContentHasher(hasherBox.hasher.kind, f.size);
        have = 0;
      }
      attempt = have > before ? 1 : attempt + 1; // progress resets the count: only a stuck file gives up
      if (attempt > ctx.retries) {
        throw new GlimmerError(
          'unavailable',
          `The download of ${f.path} stopped (${err.message}); ${formatBytes(have)} of ${formatBytes(f.size)} are kept. ` +
            'Check the connection and start the download again; it resumes where it stopped.',
          { file: f.path, bytes: have, total: f.size },
        );
      }
      if (ctx.retryDelayMs > 0) {
        try {
          await delay(ctx.retryDelayMs * attempt, undefined, ctx.signal ? { signal: ctx.signal } : {});
        } catch {
          throw cancelled();
        }
      }
    }
  }
  ctx.emit({ phase: 'verifying', file: f.path, fileIndex, fileBytes: have, fileTotal: f.size }, true);
  const actual = hasherBox.hasher.digest();
  const sizeOk = have === f.size;
  if (!sizeOk || (expected && actual !== expected.value)) {
    await unlink(partPath).catch(() => undefined);
    ctx.state.bytes -= have;
    return {
      fetched: have - startHave,
      mismatch: {
        path: f.path,
        expected: expected?.value ?? `${f.size} bytes`,
        actual: sizeOk ? actual : `${have} bytes`,
        algorithm: expected?.kind ?? 'sha256',
      },
    };
  }
  // On disk for good before it counts as verified (a power cut must not leave a short file marked verified).
  await commitFile(partPath, finalPath, { keepOnFailure: true });
  return { fetched: have - startHave, mismatch: null };
}

/** Default folder name for a downloaded checkpoint inside the models folder's checkpoints/. */
export function checkpointFolderName(repo: string, revision = 'main'): string {
  const base = repo.split('/').join('--');
  return revision === 'main' ? base : `${base}@${revision.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export async function downloadCheckpoint(options: DownloadOptions): Promise<DownloadResult> {
  const hub = resolveHub(options, options.env);
  const repo = options.repo ?? DEFAULT_REPO;
  const revision = options.revision ?? 'main';
  const destDir = path.resolve(options.destDir);
  const signal = options.signal;
  const filter = options.filter ?? isNeededRepoFile;
  const interval = options.progressIntervalMs ?? 250;
  const meter = new SpeedMeter();
  const state = { bytes: 0, total: 0, fileCount: 0 };
  let commit: string | null = null;
  let lastEmit = 0;
  const announced = new Set<string>();
  const emit: Ctx['emit'] = (p, force = false) => {
    if (!options.onProgress) return;
    const now = Date.now();
    const first = p.file !== undefined && p.file !== null && !announced.has(p.file);
    if (first) announced.add(p.file!);
    if (!force && !first && p.phase === 'downloading' && now - lastEmit < interval) return;
    lastEmit = now;
    options.onProgress({
      repo,
      commit,
      file: null,
      fileBytes: 0,
      fileTotal: 0,
      fileIndex: 0,
      ...p,
      fileCount: state.fileCount,
      bytes: state.bytes,
      total: state.total,
      bytesPerSecond: meter.bytesPerSecond(),
      etaSeconds: meter.etaSeconds(state.total - state.bytes),
    });
  };

  if (signal?.aborted) throw cancelled();
  emit({ phase: 'resolving' }, true);
  commit = await resolveCommit(hub, repo, revision, signal);
  const remote = (await listRemoteFiles(hub, repo, commit, signal)).filter((f) => filter(f.path));
  if (!remote.some((f) => f.path === MODEL_INDEX)) {
    throw new GlimmerError(
      'not_found',
      `${repo} at "${revision}" has no ${MODEL_INDEX}, so it is not a GLM-Image checkpoint. Check the repository name.`,
    );
  }
  // Small files first (configs, tokenizers), then weights.
  remote.sort((a, b) => Number(!!a.sha256) - Number(!!b.sha256) || a.path.localeCompare(b.path));
  state.fileCount = remote.length;
  state.total = remote.reduce((s, f) => s + f.size, 0);

  await mkdir(destDir, { recursive: true });
  const previous = await readDownloadRecord(destDir);
  const record: DownloadRecord = {
    version: 1,
    repo,
    endpoint: hub.endpoint,
    revision,
    commit,
    startedAt: new Date().toISOString(),
    completedAt: null,
    files: {},
  };

  // What is already here: verified files are kept, part files of the same content are resumed.
  emit({ phase: 'checking' }, true);
  const partBytes = new Map<string, number>();
  const done = new Set<string>();
  for (const [fileIndex, f] of remote.entries()) {
    if (signal?.aborted) throw cancelled();
    const finalPath = localPath(destDir, f.path);
    const partPath = `${finalPath}.part`;
    const prev = previous?.files[f.path];
    const same = sameContent(prev, f);
    const finalSize = await sizeOf(finalPath);
    if (finalSize !== null) {
      if (finalSize === f.size && same && prev?.verified) {
        done.add(f.path);
      } else if (finalSize === f.size) {
        const expected = expectedHash(f);
        emit({ phase: 'verifying', file: f.path, fileIndex, fileBytes: 0, fileTotal: f.size }, true);
        const actual = expected ? await hashFile(expected.kind, finalPath, f.size, signal) : null;
        if (!expected || actual === expected.value) done.add(f.path);
        else await unlink(finalPath);
      } else {
        await unlink(finalPath);
      }
    }
    if (done.has(f.path)) {
      await unlink(partPath).catch(() => undefined);
      state.bytes += f.size;
      continue;
    }
    let part = await sizeOf(partPath);
    if (part !== null && (!same || part > f.size)) {
      await unlink(partPath);
      part = null;
    }
    partBytes.set(f.path, part ?? 0);
    state.bytes += part ?? 0;
  }
  for (const f of remote) {
    record.files[f.path] = { size: f.size, sha256: f.sha256, gitOid: f.gitOid, verified: done.has(f.path) };
  }
  // A finished download stays finished while a new run only re-checks it.
  if (done.size === remote.length && previous?.commit === commit && previous.completedAt) record.completedAt = previous.completedAt;
  await writeDownloadRecord(destDir, record);

  const needed = remote.filter((f) => !done.has(f.path)).reduce((s, f) => s + f.size - (partBytes.get(f.path) ?? 0), 0);
  await ensureFreeSpace(destDir, needed, {
    ...(options.freeSpace ? { freeSpace: options.freeSpace } : {}),
    ...(options.reserveBytes !== undefined ? { reserveBytes: options.reserveBytes } : {}),
    what: `${repo} (${remote.length - done.size} files)`,
  });

  const ctx: Ctx = {
    hub,
    repo,
    commit,
    destDir,
    signal,
    retries: options.retries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 2000,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    meter,
    emit,
    state,
  };
  const files: DownloadedFile[] = [];
  const mismatches: HashMismatch[] = [];
  let fetchedBytes = 0;
  let reusedBytes = 0;
  let recordChain = Promise.resolve();
  const saveRecord = () => (recordChain = recordChain.then(() => writeDownloadRecord(destDir, record)));
  const order = new Map(remote.map((f, i) => [f.path, i]));
  for (const f of remote) {
    if (!done.has(f.path)) continue;
    files.push({ path: f.path, size: f.size, sha256: f.sha256, fetchedBytes: 0, reused: true });
    reusedBytes += f.size;
  }
  const pending = remote.filter((f) => !done.has(f.path));
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < pending.length && failure === null) {
      const f = pending[next++]!;
      try {
        const kept = partBytes.get(f.path) ?? 0;
        const { fetched, mismatch } = await fetchFile(ctx, f, kept, order.get(f.path)!);
        fetchedBytes += fetched;
        reusedBytes += kept;
        if (mismatch) {
          mismatches.push(mismatch);
          continue;
        }
        record.files[f.path] = { ...record.files[f.path]!, verified: true };
        await saveRecord();
        files.push({ path: f.path, size: f.size, sha256: f.sha256, fetchedBytes: fetched, reused: false });
      } catch (err) {
        // After a failure no new file starts; transfers under way finish their file (nothing fetched is wasted).
        if (failure === null) failure = err;
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 3, 16));
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));
  await recordChain;
  if (failure !== null) throw signal?.aborted ? cancelled() : failure;
  files.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
  mismatches.sort((a, b) => order.get(a.path)! - order.get(b.path)!);

  if (mismatches.length > 0) {
    await writeDownloadRecord(destDir, record);
    throw new GlimmerError(
      'model_corrupt',
      `${mismatches.length} downloaded file(s) did not match the checksum the hub publishes and were deleted: ` +
        `${mismatches.map((m) => m.path).join(', ')}. Start the download again; if it fails again, the mirror ` +
        'may be serving damaged files.',
      { files: mismatches },
    );
  }
  record.completedAt = new Date().toISOString();
  await writeDownloadRecord(destDir, record);
  const report = await validateCheckpoint(destDir);
  emit({ phase: 'done', fileIndex: remote.length }, true);
  return { dir: destDir, repo, commit, files, fetchedBytes, reusedBytes, report };
}
