/** `glimmer models`: list, find, validate, import and download GLM-Image checkpoints from the command line. */
import path from 'node:path';
import { formatBytes, formatDuration, errorCode, GlimmerError } from '../contract';
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
import { parseCommandArgs } from './args';

const HELP = `Usage: glimmer models <list|find|validate|import|download|remove> [options]

  list                          the models folder: checkpoints and compiled models, size, precision, status
  find                          GLM-Image in the Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)
  validate --path DIR           check a folder in the GLM-Image layout and say what is missing
  import --path DIR [--copy] [--name N]
                                add a checkpoint folder (used in place; --copy copies it into the models folder)
  remove --id ID                forget an imported folder, or delete a downloaded/compiled model (ids: \`glimmer models list\`)
  download [--repo R] [--revision REV] [--endpoint URL] [--token T] [--dest DIR]
                                download ${DEFAULT_REPO} (only the files the app needs), resumable: run it again after
                                Ctrl-C or a dropped connection. Endpoint default: HF_ENDPOINT or https://huggingface.co;
                                token default: HF_TOKEN. Destination default: <models folder>/checkpoints/.
The models folder is GLIMMER_MODELS_DIR or <data folder>/models.`;

function formatEta(s: number | null): string {
  return s === null || !Number.isFinite(s) ? '' : `ETA ${formatDuration(s)}`;
}

function progressPrinter(out: NodeJS.WriteStream = process.stderr): (p: DownloadProgress) => void {
  const started = new Set<string>();
  return (p) => {
    if (!out.isTTY) {
      if (p.file && !started.has(p.file) && p.phase === 'downloading') out.write(`[${p.fileIndex + 1}/${p.fileCount}] ${p.file}\n`);
      if (p.file && p.phase === 'downloading') started.add(p.file);
      if (p.phase === 'done') out.write('done\n');
      return;
    }
    const pct = p.total > 0 ? ((100 * p.bytes) / p.total).toFixed(1) : '0.0';
    const speed = p.bytesPerSecond > 0 ? `${formatBytes(p.bytesPerSecond)}/s` : '';
    const line = `${p.phase.padEnd(11)} ${pct.padStart(5)}% ${formatBytes(p.bytes)} / ${formatBytes(p.total)} ${speed} ${formatEta(p.etaSeconds)} ${p.file ?? ''}`;
    out.write(`\r${line.slice(0, (out.columns ?? 120) - 1).padEnd((out.columns ?? 120) - 1)}`);
    if (p.phase === 'done') out.write('\n');
  };
}

export async function runModels(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(HELP);
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
    console.log(HELP);
    return 0;
  }
  const { modelsDir } = resolvePaths();
  switch (sub) {
    case 'list': {
      const models = await listModels({ modelsDir });
      if (models.length === 0) console.log(`No models in ${modelsDir} or the Hugging Face cache. Run \`glimmer models download\`.`);
      for (const m of models) {
        console.log(`${m.status.padEnd(10)} ${m.kind.padEnd(10)} ${formatBytes(m.sizeBytes).padStart(9)} ${(m.precision ?? '-').padEnd(9)} ${m.name}\n           ${m.path}\n           id: ${m.id}`);
        if (m.status !== 'ready') console.log(`           ${m.detail}`);
      }
      return 0;
    }
    case 'find': {
      const found = await findInHfCache();
      if (found.length === 0) console.log(`No ${DEFAULT_REPO} in ${hubCacheDir()}.`);
      for (const c of found) {
        console.log(`${c.report.ok ? 'complete  ' : 'incomplete'} ${c.revision}${c.refs.length ? ` (${c.refs.join(', ')})` : ''}\n           ${c.dir}`);
        if (!c.report.ok) console.log(`           ${c.report.summary}`);
      }
      return 0;
    }
    case 'validate': {
      if (!v.path) throw new GlimmerError('bad_request', '--path DIR is required (see `glimmer models --help`).');
      const report = await validateCheckpoint(v.path);
      console.log(report.summary);
      for (const p of report.problems) console.log(`  ${p.kind.padEnd(10)} ${p.message}`);
      return report.ok ? 0 : 1;
    }
    case 'import': {
      if (!v.path) throw new GlimmerError('bad_request', '--path DIR is required (see `glimmer models --help`).');
      const entry = await importCheckpoint(v.path, {
        modelsDir,
        mode: v.copy ? 'copy' : 'reference',
        ...(v.name ? { name: v.name } : {}),
      });
      console.log(`Imported ${entry.name} (${entry.source === 'reference' ? 'used in place' : 'copied'}): ${entry.path}`);
      return 0;
    }
    case 'remove': {
      if (!v.id) throw new GlimmerError('bad_request', '--id ID is required (ids are shown by `glimmer models list`).');
      const r = await removeModel(modelsDir, v.id);
      console.log(r.removed === 'reference' ? `Forgot ${r.path} (its files are untouched).` : `Deleted ${r.path} (${formatBytes(r.freedBytes)} freed).`);
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
          `Downloaded ${repo}@${result.commit.slice(0, 12)} into ${result.dir}: ${formatBytes(result.fetchedBytes)} fetched, ` +
            `${formatBytes(result.reusedBytes)} already there. ${result.report.summary}`,
        );
        return result.report.ok ? 0 : 1;
      } catch (err) {
        if (errorCode(err) === 'cancelled') {
          console.error(`\nPaused. Run the same command again to resume; finished files and partial files in ${destDir} are kept.`);
          return 130;
        }
        throw err;
      } finally {
        process.removeListener('SIGINT', stop);
      }
    }
    default:
      throw new GlimmerError('bad_request', `Unknown subcommand "${sub}" (see \`glimmer models --help\`).`);
  }
}
