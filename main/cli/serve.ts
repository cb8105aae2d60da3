/** `glimmer serve`: the studio in a browser, on loopback, behind a random access token. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlimmerError } from '../contract';
import { startHttpServer } from '../api/transport/http';
import { createApp } from '../api/app';
import { parseCommandArgs, parseIntArg } from './args';

const HELP = `Usage: glimmer serve [--port N] [--host 127.0.0.1] [--token-file FILE]

Serves the studio and its API over HTTP + WebSocket. Prints the URL to open (with its access token)
on a line of its own. Binds to loopback unless --host says otherwise.
  --token-file  read the access token from the first line of FILE (default: GLIMMER_SERVE_TOKEN,
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

export async function runServe(args: string[]): Promise<number> {
  const values = parseCommandArgs('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'token-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = parseIntArg('port', values.port, 0, 65535) ?? 0;
  const host = values.host ?? '127.0.0.1';
  if (!/^[0-9a-zA-Z.:[\]-]+$/.test(host)) throw new GlimmerError('bad_request', `--host "${host}" is not a host name or address.`);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    console.error(`glimmer serve: warning: listening on ${host}, not loopback; anyone with the URL and token can use this studio.`);
  }
  const token = chosenToken(values['token-file']);
  const app = createApp({ mode: 'serve' });
  const server = await startHttpServer({
    router: app.router,
    events: app.ctx.events,
    staticDir: rendererDir(),
    mediaRoots: app.ctx.mediaRoots,
    host,
    port,
    ...(token ? { token } : {}),
    log: app.ctx.log,
  });
  console.log(`Glimmer Studio is serving at ${server.url}`);
  console.log('Open this URL (it carries the access token):');
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
