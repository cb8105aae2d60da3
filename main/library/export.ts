/**
 * Export a project as a folder of PNGs (each carrying its recipe) plus index.json. The folder is
 * built under a temporary name beside the target and renamed when complete, so a cancelled or failed
 * export never leaves a half-filled folder that looks finished.
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
  const dest = path.resolve(destDir);
  try {
    await fs.mkdir(dest, { recursive: true });
  } catch (err) {
    throw new GlimmerError('forbidden', `Cannot write to ${dest} (${(err as Error).message}). Choose another folder.`);
  }
  const rows = lib.db
    .prepare(
      `SELECT g.id, g.image_hash, i.format FROM generations g JOIN images i ON i.hash = g.image_hash
       WHERE g.project_id = ? AND (g.deleted_at IS NULL OR g.deleted_with_project = 1) ORDER BY g.id`,
    )
    .all(projectId) as ExportRow[];
  const folder = freeFolder(dest, safeFolderName(project.name));
  const work = `${folder}.partial-${process.pid}-${Date.now()}`;
  await fs.mkdir(work);
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
