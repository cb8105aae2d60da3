/**
 * Library figures at scale: search + filter latency (first page, and a deep page) over N generations
 * (default 100,000), row insert throughput, full addGeneration throughput (1024² image: PNG encode,
 * recipe, thumbnails, atomic store, commit), thumbnail throughput. A real SQLite file in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Library, type SearchQuery, makeThumbnails, searchableText } from '../../main/library';
import { type Figure, figure } from '../harness';

export interface LibraryBenchOptions {
  generations: number;
  /** Timed runs per search shape (each with different words / ids). */
  repeats: number;
  /** Images for the addGeneration / thumbnail figures. */
  images: number;
  log?: (line: string) => void;
}

/** Deterministic generator (LCG) so every run builds the same library. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qu', 'do', 'fe', 'gi', 'ho', 'ju'];
const COMMON = ['a', 'the', 'poster', 'of', 'with', 'red', 'blue', 'city', 'night', 'portrait', 'text', 'sign', 'cat', 'fox', 'neon', 'logo', 'book', 'cover', 'street', 'mountain'];

function vocabulary(size: number, rand: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Zipf-like pick: low indexes much more often. */
function zipf(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n ** rand()) - 1);
}

/**
 * A recipe shaped like the engine's (main/engine/pipeline/recipe.ts) for a 1024² image: model
 * hashes, seeds, sampling, and the 32x32 target-grid AR tokens (int32, base64) kept for "vary details".
 */
function engineLikeRecipe(rand: () => number, f: { mode: string; prompt: string; model: string; seed: number }): Record<string, unknown> {
  const hex = () => Array.from({ length: 64 }, () => Math.floor(rand() * 16).toString(16)).join('');
  const ids = Buffer.alloc(32 * 32 * 4);
  for (let i = 0; i < 32 * 32; i++) ids.writeInt32LE(Math.floor(rand() * 16384), i * 4);
  return {
    version: 1,
    app: 'Glimmer Studio 0.1.0',
    ...f,
    modelName: 'GLM-Image',
    modelHashes: { ar: hex(), dit: hex(), vae: hex(), glyph: hex() },
    precision: 'int4',
    provider: 'cuda',
    memoryProfile: 'resident',
    width: 1024,
    height: 1024,
    steps: 50,
    guidance: 1.5,
    seeds: { ar: f.seed, noise: (f.seed * 7) >>> 0 },
    rng: 'philox4x32-10',
    sampling: { temperature: 0.9, topP: 0.75 },
    tokensFrom: 'sampled',
    noiseFrom: 'seeded',
    arTokensHash: hex(),
    arTokens: { rows: 32, cols: 32, data: ids.toString('base64') },
  };
}

async function fill(lib: Library, count: number, log: (s: string) => void): Promise<{ words: string[]; projects: number[]; tags: string[]; start: number; end: number }> {
  const rand = rng(7);
  const words = [...COMMON, ...vocabulary(3000, rand)];
  const projects = Array.from({ length: 50 }, (_, i) => lib.createProject(`Project ${i + 1}`).id);
  const tags = Array.from({ length: 30 }, (_, i) => `tag${i + 1}`);
  const db = lib.db;
  const tagIds = tags.map((name) => Number(db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?)').run(name, Date.now()).lastInsertRowid));
  const insImage = db.prepare("INSERT INTO images (hash, format, width, height, bytes, created_at) VALUES (?, 'png', 1024, 1024, 1500000, ?)");
  const insGen = db.prepare(
    `INSERT INTO generations (created_at, project_id, image_hash, mode, model, seed, width, height, steps, provider, timings,
       prompt, prompt_search, negative_prompt, favourite, rating, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, 1024, 1024, 50, 'cuda', ?, ?, ?, '', ?, ?, ?)`,
  );
  const insTag = db.prepare('INSERT INTO generation_tags (tag_id, generation_id) VALUES (?, ?)');
  const insRecipe = db.prepare('INSERT INTO generation_recipes (generation_id, recipe) VALUES (?, ?)');
  const modes = ['text', 'text', 'text', 'edit', 'style'];
  const models = ['glm-image', 'glm-image-int4', 'glm-image-int8', 'glm-image-fp16'];
  const start = Date.UTC(2025, 0, 1);
  const span = 2 * 365 * 24 * 3600 * 1000;
  const batch = 5000;
  for (let done = 0; done < count; done += batch) {
    db.transaction(() => {
      for (let i = done; i < Math.min(count, done + batch); i++) {
        const n = 8 + Math.floor(rand() * 22);
        const prompt = Array.from({ length: n }, () => words[zipf(rand, words.length)]).join(' ');
        const hash = (i.toString(16).padStart(16, '0') + 'ab'.repeat(24)).slice(0, 64);
        const createdAt = start + Math.floor((i / count) * span + rand() * 60_000);
        insImage.run(hash, createdAt);
        const mode = modes[Math.floor(rand() * modes.length)];
        const model = models[Math.floor(rand() * models.length)];
        const seed = Math.floor(rand() * 2 ** 32);
        const recipe = JSON.stringify(engineLikeRecipe(rand, { mode, prompt, model, seed }));
        const id = Number(
          insGen.run(
            createdAt,
            rand() < 0.9 ? projects[zipf(rand, projects.length)] : null,
            hash,
            mode,
            model,
            seed,
            JSON.stringify({ arMs: 30_000, ditMs: 40_000, vaeMs: 2000 }),
            prompt,
            searchableText(prompt),
            rand() < 0.1 ? 1 : 0,
            Math.floor(rand() * 6),
            rand() < 0.05 ? createdAt + 1000 : null,
          ).lastInsertRowid,
        );
        insRecipe.run(id, recipe);
        if (rand() < 0.2) {
          const k = 1 + Math.floor(rand() * 3);
          const chosen = new Set(Array.from({ length: k }, () => tagIds[zipf(rand, tagIds.length)]));
          for (const tagId of chosen) insTag.run(tagId, id);
        }
      }
    })();
    if ((done / batch) % 4 === 3) log(`  filled ${Math.min(count, done + batch)} / ${count}`);
  }
  return { words, projects, tags, start, end: start + span };
}

function time(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function runLibrary(options: LibraryBenchOptions): Promise<Figure[]> {
  const log = options.log ?? ((s: string) => console.log(s));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-library-'));
  const figures: Figure[] = [];
  const N = options.generations;
  const config = `${N} generations`;
  try {
    const lib = await Library.open(dir);
    try {
      log(`library: building ${N} generations in ${dir}`);
      const t0 = performance.now();
      const data = await fill(lib, N, log);
      const fillMs = performance.now() - t0;
      figures.push(figure('library', 'bulk insert (5,000 rows per transaction, FTS + tags)', 'rows/s', [(N / fillMs) * 1000], 'higher', { config }));
      lib.db.pragma('wal_checkpoint(TRUNCATE)');

      // Search + filter shapes. Each repeat uses different words / ids from the same pools.
      const rand = rng(99);
      const common = () => data.words[Math.floor(rand() * 20)];
      const mid = () => data.words[20 + Math.floor(rand() * 200)];
      const rare = () => data.words[1000 + Math.floor(rand() * 2000)];
      const project = () => data.projects[Math.floor(rand() * 10)];
      const tag = () => data.tags[Math.floor(rand() * 10)];
      const month = () => {
        const from = data.start + Math.floor(rand() * 23) * 30 * 86_400_000;
        return { from, to: from + 30 * 86_400_000 };
      };
      const shapes: Array<[string, () => SearchQuery]> = [
        ['browse newest', () => ({})],
        ['text: 1 common word', () => ({ text: `${common()} ` })],
        ['text: 2 words', () => ({ text: `${common()} ${mid()} ` })],
        ['text: rare word', () => ({ text: `${rare()} ` })],
        ['text: prefix as typed', () => ({ text: mid().slice(0, 3) })],
        ['text: hostile syntax', () => ({ text: `"${common()} AND (NEAR ${mid()}* :` })],
        ['filter: project', () => ({ projectId: project() })],
        ['filter: favourite', () => ({ favourite: true })],
        ['filter: tag', () => ({ tag: tag() })],
        ['filter: date range (1 month)', () => month()],
        ['filter: mode + model', () => ({ mode: 'edit', model: 'glm-image-int8' })],
        ['text + project', () => ({ text: `${common()} `, projectId: project() })],
        ['text + favourite + mode', () => ({ text: `${mid()} `, favourite: true, mode: 'edit' })],
        ['text + tag', () => ({ text: `${common()} `, tag: tag() })],
        ['text + date range', () => ({ text: `${mid()} `, ...month() })],
      ];
      for (const [name, make] of shapes) {
        for (let w = 0; w < 3; w++) lib.search(make());
        const samples: number[] = [];
        let hits = 0;
        for (let i = 0; i < options.repeats; i++) {
          const q = make();
          samples.push(time(() => (hits += lib.search({ ...q, limit: 50 }).items.length)));
        }
        figures.push(figure('library', `search ${name}`, 'ms', samples, 'lower', { config, note: `mean ${Math.round(hits / options.repeats)} hits on page 1` }));
      }
      // A deep page: page 20 of a common-word search (the cursor keeps it as cheap as page 1).
      const deep: number[] = [];
      for (let i = 0; i < Math.max(3, Math.floor(options.repeats / 5)); i++) {
        const q = { text: `${common()} `, limit: 50 };
        let cursor: string | null = null;
        for (let p = 0; p < 19; p++) cursor = lib.search({ ...q, cursor }).nextCursor;
        deep.push(time(() => lib.search({ ...q, cursor })));
      }
      figures.push(figure('library', 'search text: page 20 (keyset cursor)', 'ms', deep, 'lower', { config }));

      // The other reads a gallery makes on every screen.
      const reads: Array<[string, () => unknown]> = [
        ['projects list (50, counts + covers)', () => lib.listProjects()],
        ['tags list (30, with counts)', () => lib.listTags()],
        ['get one generation (recipe, refs, children)', () => lib.getGeneration(1 + Math.floor(rand() * N))],
      ];
      for (const [name, fn] of reads) {
        for (let w = 0; w < 3; w++) fn();
        const samples = Array.from({ length: options.repeats }, () => time(fn));
        figures.push(figure('library', name, 'ms', samples, 'lower', { config }));
      }

      // Row inserts as the engine makes them: one generation per transaction, no image.
      const rowSamples: number[] = [];
      for (let r = 0; r < 3; r++) {
        const count = 300;
        const ms = await (async () => {
          const t1 = performance.now();
          for (let i = 0; i < count; i++) {
            await lib.addGeneration({
              recipe: { mode: 'text', prompt: `insert bench ${r} ${i} ${common()} ${mid()}`, model: 'glm-image', seed: i, width: 1024, height: 1024, steps: 50 },
              status: 'failed',
              tags: i % 5 === 0 ? ['bench'] : undefined,
            });
          }
          return performance.now() - t1;
        })();
        rowSamples.push((count / ms) * 1000);
      }
      figures.push(figure('library', 'addGeneration, row only (1 transaction each)', 'rows/s', rowSamples, 'higher', { config }));

      // Full addGeneration with a 1024x1024 image, and thumbnails alone.
      const side = 1024;
      const pixels = (seed: number) => {
        const r = rng(seed);
        const buf = Buffer.alloc(side * side * 3);
        // smooth gradients + noise: compresses like a picture, not like pure noise
        for (let y = 0; y < side; y++) {
          for (let x = 0; x < side; x++) {
            const o = (y * side + x) * 3;
            buf[o] = (x + seed * 13) & 0xff;
            buf[o + 1] = (y + seed * 7) & 0xff;
            buf[o + 2] = ((x ^ y) + Math.floor(r() * 16)) & 0xff;
          }
        }
        return buf;
      };
      const addSamples: number[] = [];
      for (let i = 0; i < options.images; i++) {
        const raw = pixels(1000 + i);
        const t1 = performance.now();
        await lib.addGeneration({
          recipe: { mode: 'text', prompt: `image bench ${i}`, model: 'glm-image', seed: i, width: side, height: side, steps: 50 },
          image: { raw, width: side, height: side, channels: 3 },
        });
        addSamples.push(performance.now() - t1);
      }
      figures.push(figure('library', 'addGeneration 1024² (PNG + recipe + 2 thumbs + store + commit)', 'ms', addSamples, 'lower', { config: `sharp concurrency ${sharp.concurrency()}` }));
      const png = await sharp(pixels(5), { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
      const thumbSamples: number[] = [];
      for (let i = 0; i < options.images; i++) {
        const t1 = performance.now();
        await makeThumbnails(png);
        thumbSamples.push(1000 / (performance.now() - t1));
      }
      figures.push(figure('library', 'thumbnails from a 1024² PNG (256 + 512 WebP)', 'images/s', thumbSamples, 'higher', { config: `sharp concurrency ${sharp.concurrency()}` }));
      const dbBytes = (lib.db.prepare('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()').get() as { n: number }).n;
      log(`library: database ${(dbBytes / 2 ** 20).toFixed(1)} MiB for ${N} generations; fill took ${(fillMs / 1000).toFixed(1)} s`);
    } finally {
      lib.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
