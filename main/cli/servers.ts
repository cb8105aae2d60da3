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

const HELP = `Usage: glimmer servers <add|list|test|remove> [options]

  add --name N --url URL [--kind openai|glimmer] [--pool P] [--key-file FILE] [--ca-file FILE]
                     add a server: vLLM-Omni or SGLang-Diffusion serving GLM-Image (openai), or another
                     Glimmer Studio's \`glimmer serve\` (glimmer); the kind is asked of the server when
                     not given. Its key: the first line of --key-file, else GLIMMER_ENGINE_KEY, else none.
                     Servers sharing a --pool take that pool's jobs in turn. --ca-file: a CA certificate
                     (PEM) to trust for an HTTPS server with its own certificate.
  list               every server: name, kind, URL, pool, whether a key is set, jobs done
  test --name N      ask the server what it is and whether it answers (or --url URL [--kind K])
  remove --name N    forget a server`;

function keyFrom(file: string | undefined): string | undefined {
  if (file === undefined) return engineKey();
  try {
    const key = readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
    if (!/^[\x21-\x7e]{1,4096}$/.test(key)) throw new Error('the first line is not a key');
    return key;
  } catch (err) {
    throw new GlimmerError('bad_request', `--key-file ${file} cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

function printTest(name: string, t: ServerTest): void {
  console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${name}: ${t.message}${t.latencyMs !== null ? ` (${t.latencyMs} ms)` : ''}`);
}

export async function runServers(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(HELP);
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
    console.log(HELP);
    return 0;
  }
  const store = new ServerStore(resolvePaths().dataDir, () => undefined);
  const targets = new RemoteTargets({ store, app: `${APP_NAME} CLI` });
  const kindArg = (): ServerKind | undefined => {
    if (v.kind === undefined) return undefined;
    const k = ServerKind.safeParse(v.kind);
    if (!k.success) throw new GlimmerError('bad_request', `--kind must be openai or glimmer, not "${v.kind}".`);
    return k.data;
  };
  const named = () => {
    if (!v.name) throw new GlimmerError('bad_request', '--name N is required (names are shown by `glimmer servers list`).');
    const s = store.byName(v.name);
    if (!s) throw new GlimmerError('not_found', `There is no server named "${v.name}" (see \`glimmer servers list\`).`);
    return s;
  };
  switch (sub) {
    case 'list': {
      const servers = store.list();
      if (servers.length === 0) console.log('No servers. Add one with `glimmer servers add --name N --url URL`.');
      for (const s of servers) {
        console.log(`${s.name}\n  ${s.kind === 'openai' ? 'OpenAI-style image server' : 'Glimmer server'}  ${s.url}${s.pool ? `  pool ${s.pool}` : ''}  key ${s.key ? 'set' : 'not set'}  ${store.jobsDone(s.id)} job(s) done`);
      }
      return 0;
    }
    case 'add': {
      if (!v.name) throw new GlimmerError('bad_request', '--name N is required.');
      if (!v.url) throw new GlimmerError('bad_request', '--url URL is required.');
      const url = ServerUrl.safeParse(v.url);
      if (!url.success) throw new GlimmerError('bad_request', `--url ${url.error.issues[0]!.message}.`);
      const key = keyFrom(v['key-file']);
      const ca = readCa(v['ca-file'], '--ca-file');
      const kind = kindArg() ?? (await detectKind(url.data, key, undefined, undefined, ca));
      const s = await store.add({ name: v.name, url: url.data, kind, key, ca, pool: v.pool ?? null });
      console.log(`Added ${s.name}: ${kind === 'openai' ? 'an OpenAI-style image server' : 'a Glimmer server'} at ${s.url}${s.pool ? `, pool ${s.pool}` : ''}${key ? ', with a key' : ''}.`);
      printTest(s.name, await targets.test({ id: s.id }));
      return 0;
    }
    case 'test': {
      if (v.url !== undefined) {
        const url = ServerUrl.safeParse(v.url);
        if (!url.success) throw new GlimmerError('bad_request', `--url ${url.error.issues[0]!.message}.`);
        const t = await targets.test({ url: url.data, kind: kindArg(), key: keyFrom(v['key-file']), ca: readCa(v['ca-file'], '--ca-file') });
        printTest(url.data, t);
        return t.ok ? 0 : 1;
      }
      const s = named();
      const t = await targets.test({ id: s.id });
      printTest(s.name, t);
      return t.ok ? 0 : 1;
    }
    case 'remove': {
      const s = named();
      await store.remove(s.id);
      console.log(`Removed ${s.name}.`);
      return 0;
    }
    default:
      throw new GlimmerError('bad_request', `Unknown servers command "${sub}" (see \`glimmer servers --help\`).`);
  }
}
