/**
 * `glimmer servers`: the servers the studio may send jobs to (the same servers.json as Settings →
 * Servers). Keys come from GLIMMER_ENGINE_KEY or --key-file, never the command line; list shows
 * whether one is set, never the key.
 */
import { readFileSync } from 'node:fs';
import { GlimmerError, ServerKind, type ServerTest, ServerUrl } from '../contract';
import { detectKind } from '../remote';
import { APP_NAME, resolvePaths } from '../studio/paths';
import { RemoteTargets } from '../studio/remote-targets';
import { ServerStore } from '../studio/servers';
import { parseCommandArgs } from './args';
import { engineKey, readCa } from './generate-remote';
import { t } from './i18n';

function keyFrom(file: string | undefined): string | undefined {
  if (file === undefined) return engineKey();
  try {
    const key = readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
    if (!/^[\x21-\x7e]{1,4096}$/.test(key)) throw new Error(t('servers.notAKey'));
    return key;
  } catch (err) {
    throw new GlimmerError('bad_request', t('servers.keyFileUnusable', { file, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }));
  }
}

function printTest(name: string, test: ServerTest): void {
  const latency = test.latencyMs !== null ? t('servers.latency', { ms: test.latencyMs }) : '';
  console.log(t(test.ok ? 'servers.testOk' : 'servers.testFail', { name, message: test.message, latency }));
}

export async function runServers(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(t('servers.help'));
    return sub ? 0 : 2;
  }
  const v = parseCommandArgs(`servers ${sub}`, rest, {
    name: { type: 'string' },
    url: { type: 'string' },
    kind: { type: 'string' },
    pool: { type: 'string' },
    'key-file': { type: 'string' },
    'ca-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(t('servers.help'));
    return 0;
  }
  const store = new ServerStore(resolvePaths().dataDir, () => undefined);
  const targets = new RemoteTargets({ store, app: `${APP_NAME} CLI` });
  const kindArg = (): ServerKind | undefined => {
    if (v.kind === undefined) return undefined;
    const k = ServerKind.safeParse(v.kind);
    if (!k.success) throw new GlimmerError('bad_request', t('servers.badKind', { value: v.kind }));
    return k.data;
  };
  const named = () => {
    if (!v.name) throw new GlimmerError('bad_request', t('servers.needNameListed'));
    const s = store.byName(v.name);
    if (!s) throw new GlimmerError('not_found', t('servers.noSuchName', { name: v.name }));
    return s;
  };
  switch (sub) {
    case 'list': {
      const servers = store.list();
      if (servers.length === 0) console.log(t('servers.none'));
      for (const s of servers) {
        console.log(
          t('servers.listLine', {
            name: s.name,
            kind: t(`servers.kind.${s.kind}`),
            url: s.url,
            pool: s.pool ? t('servers.listPool', { pool: s.pool }) : '',
            key: t(s.key ? 'servers.keySet' : 'servers.keyNotSet'),
            jobs: t('servers.jobsDone', { jobs: store.jobsDone(s.id) }),
          }),
        );
      }
      return 0;
    }
    case 'add': {
      if (!v.name) throw new GlimmerError('bad_request', t('servers.needName'));
      if (!v.url) throw new GlimmerError('bad_request', t('servers.needUrl'));
      const url = ServerUrl.safeParse(v.url);
      if (!url.success) throw new GlimmerError('bad_request', t('servers.badUrl', { message: url.error.issues[0]!.message }));
      const key = keyFrom(v['key-file']);
      const ca = readCa(v['ca-file'], '--ca-file');
      const kind = kindArg() ?? (await detectKind(url.data, key, undefined, undefined, ca));
      const s = await store.add({ name: v.name, url: url.data, kind, key, ca, pool: v.pool ?? null });
      console.log(
        t('servers.added', {
          name: s.name,
          kind: t(`servers.aKind.${kind}`),
          url: s.url,
          pool: s.pool ? t('servers.addedPool', { pool: s.pool }) : '',
          key: key ? t('servers.addedKey') : '',
        }),
      );
      printTest(s.name, await targets.test({ id: s.id }));
      return 0;
    }
    case 'test': {
      if (v.url !== undefined) {
        const url = ServerUrl.safeParse(v.url);
        if (!url.success) throw new GlimmerError('bad_request', t('servers.badUrl', { message: url.error.issues[0]!.message }));
        const result = await targets.test({ url: url.data, kind: kindArg(), key: keyFrom(v['key-file']), ca: readCa(v['ca-file'], '--ca-file') });
        printTest(url.data, result);
        return result.ok ? 0 : 1;
      }
      const s = named();
      const result = await targets.test({ id: s.id });
      printTest(s.name, result);
      return result.ok ? 0 : 1;
    }
    case 'remove': {
      const s = named();
      await store.remove(s.id);
      console.log(t('servers.removed', { name: s.name }));
      return 0;
    }
    default:
      throw new GlimmerError('bad_request', t('servers.unknownSub', { sub }));
  }
}
