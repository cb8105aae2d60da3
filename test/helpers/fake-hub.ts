/**
 * A Hugging Face hub on 127.0.0.1 for tests: serves a local folder as a model repo in the hub's URL layout.
 *   GET /api/models/{repo}/revision/{rev}      → { id, sha, siblings }
 *   GET /api/models/{repo}/tree/{rev}?recursive → entries with oid (git blob id), size and lfs { oid: sha256 },
 *                                                paginated with a Link header like the real hub
 *   GET /{repo}/resolve/{rev}/{path}            → small files directly; LFS files (*.safetensors) as a 302 to a
 *                                                second server (the "CDN", another origin) that honours Range
 * Every byte it sends is logged (path, first byte, bytes sent), so tests can prove nothing was fetched twice.
 * Faults: drop the connection after N bytes of a file (once), publish a wrong SHA-256, require a token.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeHubOptions {
  /** Folder served as the repo. */
  root: string;
  repo: string;
  /** Commit hash the 'main' branch points at. */
  commit?: string;
  /** Files served in addition to the folder (e.g. README.md, images the app must not download). */
  extraFiles?: Record<string, Buffer>;
  /** Drop the connection once after this many body bytes of the given file. */
  dropAfter?: Record<string, number>;
  /** Send this many body bytes of the given file, then stall (once) until the client goes away; see held(). */
  holdAfter?: Record<string, number>;
  /** Publish a wrong SHA-256 for these files. */
  wrongSha256?: string[];
  /** When set, hub requests (not CDN ones) need `Authorization: Bearer <token>`. */
  token?: string;
  /** Tree entries per page (the Link header points to the next). */
  pageSize?: number;
}

export interface ServedRange {
  server: 'hub' | 'cdn';
  path: string;
  /** First byte sent. */
  start: number;
  /** Bytes actually written to the socket. */
  sent: number;
  status: number;
  authorization: string | null;
}

export interface RequestLogEntry {
  server: 'hub' | 'cdn';
  method: string;
  url: string;
  status: number;
  authorization: string | null;
}

interface RepoFile {
  path: string;
  data: Buffer;
  lfs: boolean;
  sha256: string;
  gitOid: string;
}

function listFolder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFolder(root, r));
    else if (statSync(path.join(root, r)).isFile()) out.push(r);
  }
  return out.sort();
}

export class FakeHub {
  readonly requests: RequestLogEntry[] = [];
  readonly served: ServedRange[] = [];
  readonly files = new Map<string, RepoFile>();
  readonly commit: string;
  private hub: http.Server;
  private cdn: http.Server;
  private dropsLeft: Map<string, number>;
  private holdsLeft: Map<string, number>;
  private holds = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  hubUrl = '';
  cdnUrl = '';
  /** When true, Range headers are ignored (200 with the whole file), like a server without range support. */
  ignoreRange = false;

  constructor(private readonly options: FakeHubOptions) {
    this.commit = options.commit ?? createHash('sha1').update(options.repo).digest('hex');
    const add = (p: string, data: Buffer) => {
      const lfs = p.endsWith('.safetensors') || p.endsWith('.png');
      const sha256 = createHash('sha256').update(data).digest('hex');
      const gitOid = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
      this.files.set(p, { path: p, data, lfs, sha256, gitOid });
    };
    for (const rel of listFolder(options.root)) add(rel, readFileSync(path.join(options.root, rel)));
    for (const [p, data] of Object.entries(options.extraFiles ?? {})) add(p, data);
    this.dropsLeft = new Map(Object.entries(options.dropAfter ?? {}));
    this.holdsLeft = new Map(Object.entries(options.holdAfter ?? {}));
    for (const p of this.holdsLeft.keys()) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.holds.set(p, { promise, resolve });
    }
    this.hub = http.createServer((req, res) => this.handleHub(req, res));
    this.cdn = http.createServer((req, res) => this.handleCdn(req, res));
  }

  async start(): Promise<this> {
    const listen = (s: http.Server) =>
      new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
    this.hubUrl = await listen(this.hub);
    this.cdnUrl = await listen(this.cdn);
    return this;
  }

  async close(): Promise<void> {
    for (const s of [this.hub, this.cdn]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  /** Resolves once the held bytes of `p` (holdAfter) were written to the socket and the response stalls. */
  held(p: string): Promise<void> {
    const h = this.holds.get(p);
    if (!h) throw new Error(`no holdAfter for ${p}`);
    return h.promise;
  }

  /** Bytes of `p` the CDN/hub sent, as [start, end) intervals in request order. */
  rangesOf(p: string): [number, number][] {
    return this.served.filter((s) => s.path === p).map((s) => [s.start, s.start + s.sent]);
  }

  publishedSha256(p: string): string {
    const f = this.files.get(p)!;
    return this.options.wrongSha256?.includes(p) ? createHash('sha256').update('not the content').digest('hex') : f.sha256;
  }

  private log(server: 'hub' | 'cdn', req: http.IncomingMessage, status: number) {
    this.requests.push({
      server,
      method: req.method ?? 'GET',
      url: req.url ?? '',
      status,
      authorization: req.headers.authorization ?? null,
    });
  }

  private json(server: 'hub' | 'cdn', req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    this.log(server, req, status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handleHub(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.hubUrl);
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return this.json('hub', req, res, 401, { error: 'Invalid credentials in Authorization header' });
    }
    const repo = this.options.repo;
    const revPrefix = `/api/models/${repo}/revision/`;
    const treePrefix = `/api/models/${repo}/tree/`;
    const resolvePrefix = `/${repo}/resolve/`;
    const p = url.pathname;
    if (p.startsWith(revPrefix)) {
      const rev = decodeURIComponent(p.slice(revPrefix.length));
      if (rev !== 'main' && rev !== this.commit) return this.json('hub', req, res, 404, { error: 'Invalid rev id: ' + rev });
      return this.json('hub', req, res, 200, {
        _id: 'fake',
        id: repo,
        sha: this.commit,
        private: false,
        gated: false,
        downloads: 0,
        likes: 0,
        lastModified: '2026-01-01T00:00:00.000Z',
        siblings: [...this.files.keys()].map((rfilename) => ({ rfilename })),
      });
    }
    if (p.startsWith(treePrefix)) {
      const rev = decodeURIComponent(p.slice(treePrefix.length).split('/')[0] ?? '');
      if (rev !== 'main' && rev !== this.commit) return this.json('hub', req, res, 404, { error: 'Invalid rev id' });
      const entries: unknown[] = [];
      const dirs = new Set<string>();
      for (const f of this.files.values()) {
        const parts = f.path.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      }
      for (const d of [...dirs].sort()) entries.push({ type: 'directory', oid: createHash('sha1').update(d).digest('hex'), size: 0, path: d });
      for (const f of this.files.values()) {
        entries.push(
          f.lfs
            ? {
                type: 'file',
                oid: createHash('sha1').update(`pointer ${f.path}`).digest('hex'),
                size: f.data.length,
                path: f.path,
                lfs: { oid: this.publishedSha256(f.path), size: f.data.length, pointerSize: 134 },
              }
            : { type: 'file', oid: f.gitOid, size: f.data.length, path: f.path },
        );
      }
      const pageSize = this.options.pageSize ?? 1000;
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      const page = entries.slice(cursor, cursor + pageSize);
      const headers: Record<string, string> = {};
      if (cursor + pageSize < entries.length) {
        const next = new URL(url);
        next.searchParams.set('cursor', String(cursor + pageSize));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return this.json('hub', req, res, 200, page, headers);
    }
    if (p.startsWith(resolvePrefix)) {
      const rest = p.slice(resolvePrefix.length);
      const slash = rest.indexOf('/');
      const rev = decodeURIComponent(rest.slice(0, slash));
      const filePath = rest.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
      const f = this.files.get(filePath);
      if ((rev !== 'main' && rev !== this.commit) || !f) {
        return this.json('hub', req, res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
      }
      if (f.lfs) {
        this.log('hub', req, 302);
        res.writeHead(302, {
          location: `${this.cdnUrl}/lfs/${f.sha256}?file=${encodeURIComponent(f.path)}&sig=test`,
          'x-repo-commit': this.commit,
          'x-linked-etag': `"${f.sha256}"`,
          'x-linked-size': String(f.data.length),
        });
        return res.end();
      }
      return this.sendBody('hub', req, res, f, { 'x-repo-commit': this.commit, etag: `"${f.gitOid}"` });
    }
    return this.json('hub', req, res, 404, { error: 'Not found' });
  }

  private handleCdn(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.cdnUrl);
    const f = this.files.get(url.searchParams.get('file') ?? '');
    if (!f || url.pathname !== `/lfs/${f.sha256}`) {
      this.log('cdn', req, 404);
      res.writeHead(404);
      return res.end();
    }
    return this.sendBody('cdn', req, res, f, { etag: `"${f.sha256}"` });
  }

  private sendBody(server: 'hub' | 'cdn', req: http.IncomingMessage, res: http.ServerResponse, f: RepoFile, headers: Record<string, string>) {
    const size = f.data.length;
    let start = 0;
    let status = 200;
    const range = this.ignoreRange ? undefined : req.headers.range;
    if (range) {
      const m = /^bytes=(\d+)-$/.exec(range);
      if (!m || Number(m[1]) >= size) {
        this.log(server, req, 416);
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        return res.end();
      }
      start = Number(m[1]);
      status = 206;
    }
    this.log(server, req, status);
    res.writeHead(status, {
      ...headers,
      'accept-ranges': 'bytes',
      'content-length': String(size - start),
      'content-type': 'application/octet-stream',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    const entry: ServedRange = { server, path: f.path, start, sent: 0, status, authorization: req.headers.authorization ?? null };
    this.served.push(entry);
    const drop = this.dropsLeft.get(f.path);
    if (drop !== undefined && start < drop) {
      this.dropsLeft.delete(f.path);
      const chunk = f.data.subarray(start, drop);
      entry.sent = chunk.length;
      // Send exactly these bytes, then close the connection without finishing the body.
      res.write(chunk, () => res.socket?.end());
      return;
    }
    const hold = this.holdsLeft.get(f.path);
    if (hold !== undefined && start < hold) {
      this.holdsLeft.delete(f.path);
      const chunk = f.data.subarray(start, hold);
      entry.sent = chunk.length;
      // Send these bytes, then stall: the client has to stop (pause/cancel) and come back.
      res.write(chunk, () => this.holds.get(f.path)?.resolve());
      return;
    }
    entry.sent = size - start;
    res.end(f.data.subarray(start));
  }
}
