/**
 * Export a project, or any chosen generations, as a folder of PNGs (each carrying its recipe) plus
 * index.json. The folder is built under a temporary name beside the target and renamed when
 * complete, so a cancelled or failed export never leaves a half-filled folder that looks finished.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../contract';
import type { Library } from './library';
import { writePngMetadata } from './png';
import { parseRecipe } from '../contract';
import { toPng } from './image-input';
import type { ImageFormat } from './store';

export interface ExportResult {
  folder: string;
  files: number;
}

function safeFolderName(name: string): string {
  const clean = name
    .replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_')
    .replace(/[. ]+$/, '')
    .trim()
    .slice(0, 100);
  return clean.length > 0 ? clean : 'project';
}

/**
 * The export target as the real path of an existing folder. Nothing is created here: a recursive
 * mkdir toward a path under /proc (or through a dangling link) never returns, and a folder the user
 * did not make should not appear because of a typo.
 */
async function existingFolder(destDir: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(path.resolve(destDir));
  } catch {
    throw new GlimmerError('not_found', `The folder ${destDir} does not exist. Choose an existing folder to export into.`);
  }
  const st = await fs.stat(real).catch(() => null);
  if (!st) throw new GlimmerError('not_found', `The folder ${destDir} does not exist. Choose an existing folder to export into.`);
  if (!st.isDirectory()) throw new GlimmerError('bad_request', `${destDir} is a file, not a folder. Choose a folder to export into.`);
  return real;
}

/** An errno in words a user can act on (never the raw message with its paths). */
function errnoWords(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the disk is read-only';
  if (code === 'ENOSPC') return 'the disk is full';
  return code ?? 'it cannot be written';
}

function freeFolder(destDir: string, name: string): string {
  let candidate = path.join(destDir, name);
  for (let i = 2; existsSync(candidate); i++) candidate = path.join(destDir, `${name} (${i})`);
  return candidate;
}

interface ExportRow {
  id: number;
  image_hash: string;
  format: ImageFormat;
}

export async function exportProject(lib: Library, projectId: number, destDir: string): Promise<ExportResult> {
  const project = lib.getProject(projectId);
  const rows = lib.db
    .prepare(
      `SELECT g.id, g.image_hash, i.format FROM generations g JOIN images i ON i.hash = g.image_hash
       WHERE g.project_id = ? AND (g.deleted_at IS NULL OR g.deleted_with_project = 1) ORDER BY g.id`,
    )
    .all(projectId) as ExportRow[];
  return writeExport(lib, rows, { id: project.id, name: project.name }, destDir);
}

/** The live generations of `ids` (in id order; ones without an image or gone are left out), into a folder named `name`. */
export async function exportGenerations(lib: Library, ids: number[], name: string, destDir: string): Promise<ExportResult> {
  const one = lib.db.prepare(
    `SELECT g.id, g.image_hash, i.format FROM generations g JOIN images i ON i.hash = g.image_hash WHERE g.id = ? AND g.deleted_at IS NULL`,
  );
  const rows = [...new Set(ids)].sort((a, b) => a - b).flatMap((id) => (one.get(id) as ExportRow | undefined) ?? []);
  if (rows.length === 0) throw new GlimmerError('not_found', 'None of the chosen images is in the library any more.');
  return writeExport(lib, rows, { id: null, name }, destDir);
}

async function writeExport(lib: Library, rows: ExportRow[], project: { id: number | null; name: string }, destDir: string): Promise<ExportResult> {
  const dest = await existingFolder(destDir);
  const folder = freeFolder(dest, safeFolderName(project.name));
  const work = `${folder}.partial-${process.pid}-${Date.now()}`;
  try {
    await fs.mkdir(work);
  } catch (err) {
    throw new GlimmerError('forbidden', `Cannot write to ${dest} (${errnoWords(err)}). Choose another folder.`);
  }
  try {
    const items: unknown[] = [];
    const width = Math.max(4, String(rows.length).length);
    for (const [i, row] of rows.entries()) {
      const g = lib.getGeneration(row.id);
      const stored = await lib.store.read(row.image_hash, row.format);
      const png = row.format === 'png' ? stored : await toPng(stored);
      const recipe = parseRecipe(g.recipe);
      const out = recipe ? writePngMetadata(png, recipe) : png;
      const file = `${String(i + 1).padStart(width, '0')}-${g.id}.png`;
      await fs.writeFile(path.join(work, file), out);
      items.push({
        file,
        id: g.id,
        createdAt: new Date(g.createdAt).toISOString(),
        source: g.source,
        parentId: g.parentId,
        prompt: g.prompt,
        negativePrompt: g.negativePrompt,
        mode: g.mode,
        model: g.model,
        seed: g.seed,
        width: g.width,
        height: g.height,
        steps: g.steps,
        provider: g.provider,
        favourite: g.favourite,
        rating: g.rating,
        tags: g.tags,
        sha256: row.image_hash,
        references: g.references.map((r) => ({ sha256: r.media.hash, role: r.role })),
        recipe: g.recipe,
        // the recipe's sidecar data: in the index, not in the PNG
        ...(g.textCheckDetails ? { textCheck: g.textCheckDetails } : {}),
        ...(g.group ? { group: { id: g.group.id, kind: g.group.kind, rank: g.group.rank } } : {}),
      });
    }
    const index = { format: 'glimmer-project-export', version: 1, project: { id: project.id, name: project.name }, exportedAt: new Date().toISOString(), items };
    await fs.writeFile(path.join(work, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
    await fs.rename(work, folder);
  } catch (err) {
    await fs.rm(work, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  return { folder, files: rows.length };
}
