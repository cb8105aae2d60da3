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
      throw new GlimmerError('bad_request', t('serve.tokenFileUnreadable', { file, code: (err as NodeJS.ErrnoException).code ?? t('serve.readError') }));
    }
    from = `--token-file ${file}`;
  } else {
    token = env.GLIMMER_SERVE_TOKEN;
    from = 'GLIMMER_SERVE_TOKEN';
    if (token === undefined || token === '') return undefined;
  }
  if (!TOKEN.test(token)) {
    throw new GlimmerError('bad_request', t('serve.badToken', { from }));
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
    if (!pem.toString('latin1').includes('-----BEGIN ')) throw new Error(t('serve.notPem'));
    return pem;
  } catch (err) {
    throw new GlimmerError('bad_request', t('serve.pemUnreadable', { option: what, file, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }));
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
    console.log(t('serve.help'));
    return 0;
  }
  const port = parseIntArg('port', values.port, 0, 65535) ?? 0;
  const host = values.host ?? '127.0.0.1';
  if (!/^[0-9a-zA-Z.:[\]-]+$/.test(host)) throw new GlimmerError('bad_request', t('serve.badHost', { host }));
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new GlimmerError('bad_request', t('serve.tlsPair'));
  }
  const tls = values['tls-cert'] ? { cert: readPem(values['tls-cert'], '--tls-cert'), key: readPem(values['tls-key']!, '--tls-key') } : undefined;
  if (!isLoopback(host)) {
    if (!values['allow-remote']) {
      throw new GlimmerError('bad_request', t('serve.needAllowRemote', { host }));
    }
    console.error(t('serve.notLoopback', { host }));
    if (!tls) console.error(t('serve.noTls'));
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
    if (e.code === 'EADDRINUSE') throw new GlimmerError('conflict', t('serve.portTaken', { port }));
    if (tls && /key|cert|PEM|asn1/i.test(e.message ?? '')) throw new GlimmerError('bad_request', t('serve.tlsUnusable', { message: e.message }));
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
