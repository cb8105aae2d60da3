/** `glimmer serve`: the studio in a browser, on loopback, behind a random access token. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlimmerError } from '../contract';
import { startHttpServer } from '../api/transport/http';
import { createApp } from '../api/app';
import { parseCommandArgs, parseIntArg } from './args';
import { t } from './i18n';

export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return process.env.GLIMMER_RENDERER_DIR ?? path.resolve(here, '..', '..', 'dist', 'renderer');
}

export async function runServe(args: string[]): Promise<number> {
  const values = parseCommandArgs('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(t('serve.help'));
    return 0;
  }
  const port = parseIntArg('port', values.port, 0, 65535) ?? 0;
  const host = values.host ?? '127.0.0.1';
  if (!/^[0-9a-zA-Z.:[\]-]+$/.test(host)) throw new GlimmerError('bad_request', t('serve.badHost', { host }));
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    console.error(t('serve.notLoopback', { host }));
  }
  const app = createApp({ mode: 'serve' });
  const server = await startHttpServer({
    router: app.router,
    events: app.ctx.events,
    staticDir: rendererDir(),
    mediaRoots: app.ctx.mediaRoots,
    host,
    port,
    log: app.ctx.log,
  });
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
