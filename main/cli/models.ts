/** `glimmer models`: list, find, validate, import and download GLM-Image checkpoints from the command line. */
import path from 'node:path';
import { errorCode, GlimmerError } from '../contract';
import { resolvePaths } from '../studio/paths';
import {
  DEFAULT_REPO,
  downloadCheckpoint,
  downloadFolder,
  findInHfCache,
  hubCacheDir,
  importCheckpoint,
  listModels,
  removeModel,
  validateCheckpoint,
  type DownloadProgress,
} from '../models';
import { SettingsStore } from '../studio/settings';
import { parseCommandArgs } from './args';
import { modelArg } from './model-arg';
import { redrawsInPlace } from './terminal';
import { bytes, duration, t } from './i18n';

function formatEta(s: number | null): string {
  return s === null || !Number.isFinite(s) ? '' : t('progress.eta', { duration: duration(s) });
}

function progressPrinter(out: NodeJS.WriteStream = process.stderr, tty = redrawsInPlace()): (p: DownloadProgress) => void {
  const started = new Set<string>();
  let lastTenth = -1;
  return (p) => {
    if (!tty) {
      // a log: each file as it starts, and the whole download at every tenth
      if (p.file && !started.has(p.file) && p.phase === 'downloading') out.write(`[${p.fileIndex + 1}/${p.fileCount}] ${p.file}\n`);
      if (p.file && p.phase === 'downloading') started.add(p.file);
      const tenth = p.total > 0 ? Math.floor((10 * p.bytes) / p.total) : 0;
      if (p.phase === 'downloading' && tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`${p.phase} ${Math.round((100 * p.bytes) / Math.max(1, p.total))}% ${bytes(p.bytes)} / ${bytes(p.total)} ${formatEta(p.etaSeconds)}\n`);
      }
      if (p.phase === 'done') out.write(`${t('models.downloadDone')}\n`);
      return;
    }
    const pct = p.total > 0 ? ((100 * p.bytes) / p.total).toFixed(1) : '0.0';
    const speed = p.bytesPerSecond > 0 ? `${bytes(p.bytesPerSecond)}/s` : '';
    const line = `${p.phase.padEnd(11)} ${pct.padStart(5)}% ${bytes(p.bytes)} / ${bytes(p.total)} ${speed} ${formatEta(p.etaSeconds)} ${p.file ?? ''}`;
    out.write(`\r${line.slice(0, (out.columns ?? 120) - 1).padEnd((out.columns ?? 120) - 1)}`);
    if (p.phase === 'done') out.write('\n');
  };
}

export async function runModels(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(t('models.help', { repo: DEFAULT_REPO }));
    return sub ? 0 : 2;
  }
  const v = parseCommandArgs(`models ${sub}`, rest, {
    path: { type: 'string' },
    copy: { type: 'boolean' },
    name: { type: 'string' },
    repo: { type: 'string' },
    revision: { type: 'string' },
    endpoint: { type: 'string' },
    token: { type: 'string' },
    dest: { type: 'string' },
    id: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(t('models.help', { repo: DEFAULT_REPO }));
    return 0;
  }
  const { modelsDir, dataDir } = resolvePaths();
  switch (sub) {
    case 'list': {
      const models = await listModels({ modelsDir });
      if (models.length === 0) console.log(t('models.none', { dir: modelsDir }));
      for (const m of models) {
        console.log(`${t(`models.status.${m.status}`).padEnd(10)} ${t(`models.kind.${m.kind}`).padEnd(10)} ${bytes(m.sizeBytes).padStart(9)} ${(m.precision ?? '-').padEnd(9)} ${m.name}\n           ${m.path}\n           ${t('models.idLine', { id: m.id })}`);
        if (m.status !== 'ready') console.log(`           ${m.detail}`);
      }
      return 0;
    }
    case 'find': {
      const found = await findInHfCache();
      if (found.length === 0) console.log(t('models.noneInCache', { repo: DEFAULT_REPO, dir: hubCacheDir() }));
      for (const c of found) {
        console.log(`${(c.report.ok ? t('models.complete') : t('models.incomplete')).padEnd(10)} ${c.revision}${c.refs.length ? ` (${c.refs.join(', ')})` : ''}\n           ${c.dir}`);
        if (!c.report.ok) console.log(`           ${c.report.summary}`);
      }
      return 0;
    }
    case 'validate': {
      if (!v.path) throw new GlimmerError('bad_request', t('models.needPath'));
      const report = await validateCheckpoint(v.path);
      console.log(report.summary);
      for (const p of report.problems) console.log(`  ${p.kind.padEnd(10)} ${p.message}`);
      return report.ok ? 0 : 1;
    }
    case 'import': {
      if (!v.path) throw new GlimmerError('bad_request', t('models.needPath'));
      const entry = await importCheckpoint(v.path, {
        modelsDir,
        mode: v.copy ? 'copy' : 'reference',
        ...(v.name ? { name: v.name } : {}),
      });
      console.log(t('models.imported', { name: entry.name, how: entry.source === 'reference' ? t('models.inPlace') : t('models.copied'), path: entry.path }));
      // with no model chosen yet, the one just imported is the studio's
      const settings = new SettingsStore(dataDir);
      if (settings.get().modelDir === null) {
        await settings.update({ modelDir: entry.path });
        console.log(t('models.selected'));
      }
      return 0;
    }
    case 'remove': {
      if (!v.id) throw new GlimmerError('bad_request', t('models.needId'));
      const target = await modelArg(v.id, modelsDir);
      const r = await removeModel(modelsDir, target.entry?.id ?? v.id);
      console.log(r.removed === 'reference' ? t('models.forgot', { path: r.path }) : t('models.deleted', { path: r.path, size: bytes(r.freedBytes) }));
      return 0;
    }
    case 'download': {
      const repo = v.repo ?? DEFAULT_REPO;
      const revision = v.revision ?? 'main';
      const destDir = v.dest ? path.resolve(v.dest) : downloadFolder(modelsDir, repo, revision);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      try {
        const token = v.token ?? process.env.HF_TOKEN;
        const result = await downloadCheckpoint({
          repo,
          revision,
          destDir,
          signal: controller.signal,
          onProgress: progressPrinter(),
          ...(v.endpoint ? { endpoint: v.endpoint } : {}),
          ...(token ? { token } : {}),
        });
        console.log(
          t('models.downloaded', {
            repo,
            commit: result.commit.slice(0, 12),
            dir: result.dir,
            fetched: bytes(result.fetchedBytes),
            reused: bytes(result.reusedBytes),
            summary: result.report.summary,
          }),
        );
        return result.report.ok ? 0 : 1;
      } catch (err) {
        if (errorCode(err) === 'cancelled') {
          console.error(`\n${t('models.paused', { dir: destDir })}`);
          return 130;
        }
        throw err;
      } finally {
        process.removeListener('SIGINT', stop);
      }
    }
    default:
      throw new GlimmerError('bad_request', t('models.unknownSub', { sub }));
  }
}
