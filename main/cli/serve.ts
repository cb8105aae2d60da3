/**
 * `glimmer serve`: the studio in a browser, on loopback, behind a random access token; and, with
 * --allow-remote, a GPU box other studios and OpenAI-style clients send jobs to (HTTPS with
 * --tls-cert/--tls-key, the token required as a Bearer header).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlimmerError } from '../contract';
import { startHttpServer } from '../api/transport/http';
import { hostNamesFor, isLoopback } from '../api/transport/host-names';
import { openAiImagesRoute } from '../api/transport/openai-images';
import { createApp } from '../api/app';
import { parseCommandArgs, parseIntArg } from './args';
import { t } from './i18n';

const HELP = `Usage: glimmer serve [--port N] [--host 127.0.0.1] [--token-file FILE] [--allow-remote] [--tls-cert FILE --tls-key FILE]

Serves the studio and its API over HTTP + WebSocket, and an OpenAI-compatible images API
(POST /v1/images/generations, POST /v1/images/edits, GET /v1/models; b64_json answers). Prints the
URL to open (with its access token) on a line of its own. Every request needs the token: the cookie
the URL sets, or "Authorization: Bearer <token>" for API clients and other studios.

  --port N          the port (default: any free one)
  --host ADDR       the address to listen on (default 127.0.0.1: this machine only)
  --allow-remote    needed with a --host that is not loopback: other machines can then send jobs
  --tls-cert FILE   HTTPS with this certificate (PEM; with --tls-key)
  --tls-key FILE    the certificate's private key (PEM)
  --token-file FILE read the access token from the first line of FILE (default: GLIMMER_SERVE_TOKEN,
                    else a new random token each start). At least 16 characters of A-Z a-z 0-9 . _ ~ -`;

/** Tokens travel in a cookie and a URL: letters, digits and . _ ~ - only, long enough not to guess. */
const TOKEN = /^[A-Za-z0-9._~-]{16,256}$/;

/** The chosen access token (file, then environment), or undefined for a random one. */
export function chosenToken(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let token: string | undefined;
  let from: string;
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
    } catch (err) {
      throw new GlimmerError('bad_request', `--token-file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    from = `--token-file ${file}`;
  } else {
    token = env.GLIMMER_SERVE_TOKEN;
    from = 'GLIMMER_SERVE_TOKEN';
    if (token === undefined || token === '') return undefined;
  }
  if (!TOKEN.test(token)) {
    throw new GlimmerError('bad_request', `The access token from ${from} must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -.`);
  }
  return token;
}

export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return process.env.GLIMMER_RENDERER_DIR ?? path.resolve(here, '..', '..', 'dist', 'renderer');
}

function readPem(file: string, what: string): Buffer {
  try {
    const pem = readFileSync(file);
    if (!pem.toString('latin1').includes('-----BEGIN ')) throw new Error('not a PEM file');
    return pem;
  } catch (err) {
    throw new GlimmerError('bad_request', `${what} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

export async function runServe(args: string[]): Promise<number> {
  const values = parseCommandArgs('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'token-file': { type: 'string' },
    'allow-remote': { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = parseIntArg('port', values.port, 0, 65535) ?? 0;
  const host = values.host ?? '127.0.0.1';
  if (!/^[0-9a-zA-Z.:[\]-]+$/.test(host)) throw new GlimmerError('bad_request', t('serve.badHost', { host }));
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new GlimmerError('bad_request', '--tls-cert and --tls-key go together: give both files, or neither.');
  }
  const tls = values['tls-cert'] ? { cert: readPem(values['tls-cert'], '--tls-cert'), key: readPem(values['tls-key']!, '--tls-key') } : undefined;
  if (!isLoopback(host)) {
    if (!values['allow-remote']) {
      throw new GlimmerError('bad_request', `--host ${host} lets other machines reach this studio: add --allow-remote to mean it (and --tls-cert/--tls-key for HTTPS).`);
    }
    console.error(`glimmer serve: warning: listening on ${host}, not loopback: anyone who can reach this machine and has the token can run jobs and read the library.`);
    if (!tls) console.error('glimmer serve: warning: without --tls-cert/--tls-key the token and the images travel unencrypted; use HTTPS beyond a trusted network.');
  }
  const token = chosenToken(values['token-file']);
  const app = createApp({ mode: 'serve' });
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer({
      router: app.router,
      events: app.ctx.events,
      staticDir: rendererDir(),
      mediaRoots: app.ctx.mediaRoots,
      host,
      port,
      ...(token ? { token } : {}),
      log: app.ctx.log,
      routes: [openAiImagesRoute(app.ctx)],
      hostNames: hostNamesFor(host),
      anyHostWithBearer: !isLoopback(host),
      ...(tls ? { tls } : {}),
    });
  } catch (err) {
    await app.dispose();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new GlimmerError('conflict', `Port ${port} is taken; choose another with --port.`);
    if (tls && /key|cert|PEM|asn1/i.test(e.message ?? '')) throw new GlimmerError('bad_request', `The TLS certificate or key cannot be used (${e.message}).`);
    throw err;
  }
  console.log(t('serve.serving', { url: server.url }));
  console.log(t('serve.openThis'));
  console.log(server.openUrl);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await app.dispose();
  return 0;
}
