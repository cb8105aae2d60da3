/**
 * The library's schema, as numbered migrations applied in order. Never edit a released migration;
 * add the next one. PRAGMA user_version holds the number of the last one applied.
 */
import type { Database } from 'better-sqlite3';
import { searchableText } from '../search-text';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** PRAGMA application_id of a Glimmer Studio library ('GlmS'). */
export const APPLICATION_ID = 0x476c6d53;

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'projects, images, generations, references, tags',
    up(db) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(`
        CREATE TABLE projects (
          id          INTEGER PRIMARY KEY,
          name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
          created_at  INTEGER NOT NULL,
          updated_at  INTEGER NOT NULL,
          deleted_at  INTEGER
        );

        -- One row per stored image file (content-addressed).
        CREATE TABLE images (
          hash        TEXT    PRIMARY KEY CHECK (length(hash) = 64),
          format      TEXT    NOT NULL CHECK (format IN ('png', 'jpeg', 'webp')),
          width       INTEGER NOT NULL,
          height      INTEGER NOT NULL,
          bytes       INTEGER NOT NULL,
          created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE generations (
          id            INTEGER PRIMARY KEY,
          created_at    INTEGER NOT NULL,
          project_id    INTEGER REFERENCES projects(id) ON DELETE SET NULL,
          parent_id     INTEGER REFERENCES generations(id) ON DELETE SET NULL,
          image_hash    TEXT    REFERENCES images(hash),
          source        TEXT    NOT NULL DEFAULT 'generated' CHECK (source IN ('generated', 'imported')),
          status        TEXT    NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'failed', 'cancelled')),
          mode          TEXT    NOT NULL,
          model         TEXT,
          seed          INTEGER,
          width         INTEGER NOT NULL,
          height        INTEGER NOT NULL,
          steps         INTEGER,
          provider      TEXT,
          timings       TEXT    CHECK (timings IS NULL OR json_valid(timings)),
          prompt        TEXT    NOT NULL DEFAULT '',
          negative_prompt TEXT  NOT NULL DEFAULT '',
          recipe        TEXT    CHECK (recipe IS NULL OR json_valid(recipe)),
          job_id        TEXT,
          favourite     INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
          rating        INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
          deleted_at    INTEGER,
          deleted_with_project INTEGER NOT NULL DEFAULT 0
        );
        -- Newest first is id order (rowid), so every index below ends in the rowid for free:
        -- an equality filter walks its index already in order, no sort, no table scan.
        CREATE INDEX generations_live     ON generations(deleted_at);
        CREATE INDEX generations_project  ON generations(project_id) WHERE deleted_at IS NULL;
        CREATE INDEX generations_mode     ON generations(mode)       WHERE deleted_at IS NULL;
        CREATE INDEX generations_model    ON generations(model)      WHERE deleted_at IS NULL;
        CREATE INDEX generations_seed     ON generations(seed)       WHERE deleted_at IS NULL;
        CREATE INDEX generations_favourite ON generations(favourite) WHERE deleted_at IS NULL;
        CREATE INDEX generations_created  ON generations(created_at) WHERE deleted_at IS NULL;
        CREATE INDEX generations_parent   ON generations(parent_id);
        CREATE INDEX generations_image    ON generations(image_hash);
        CREATE INDEX generations_trashed_project ON generations(project_id) WHERE deleted_with_project = 1;

        -- Reference images an image-to-image generation used, in prompt order.
        CREATE TABLE generation_refs (
          generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          image_hash    TEXT    NOT NULL REFERENCES images(hash),
          role          TEXT    NOT NULL DEFAULT 'reference',
          PRIMARY KEY (generation_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX generation_refs_image ON generation_refs(image_hash);

        CREATE TABLE tags (
          id          INTEGER PRIMARY KEY,
          name        TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 64),
          created_at  INTEGER NOT NULL
        );
        CREATE TABLE generation_tags (
          tag_id        INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
          generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
          PRIMARY KEY (tag_id, generation_id)
        ) WITHOUT ROWID;
        CREATE INDEX generation_tags_generation ON generation_tags(generation_id, tag_id);
      `);
    },
  },
  {
    version: 2,
    name: 'full-text search over prompts and tags',
    up(db) {
      db.exec(`
        -- Tag names, space-separated, kept on the row so the FTS index can read them from generations.
        ALTER TABLE generations ADD COLUMN tags_text TEXT NOT NULL DEFAULT '';
        UPDATE generations SET tags_text = coalesce((
          SELECT group_concat(t.name, ' ') FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
          WHERE gt.generation_id = generations.id), '')
        WHERE id IN (SELECT generation_id FROM generation_tags);

        CREATE VIRTUAL TABLE generations_fts USING fts5(
          prompt, tags_text,
          content = 'generations', content_rowid = 'id',
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '2 3'
        );
        INSERT INTO generations_fts(generations_fts) VALUES ('rebuild');

        CREATE TRIGGER generations_fts_insert AFTER INSERT ON generations BEGIN
          INSERT INTO generations_fts(rowid, prompt, tags_text) VALUES (new.id, new.prompt, new.tags_text);
        END;
        CREATE TRIGGER generations_fts_delete AFTER DELETE ON generations BEGIN
          INSERT INTO generations_fts(generations_fts, rowid, prompt, tags_text) VALUES ('delete', old.id, old.prompt, old.tags_text);
        END;
        CREATE TRIGGER generations_fts_update AFTER UPDATE OF prompt, tags_text ON generations BEGIN
          INSERT INTO generations_fts(generations_fts, rowid, prompt, tags_text) VALUES ('delete', old.id, old.prompt, old.tags_text);
          INSERT INTO generations_fts(rowid, prompt, tags_text) VALUES (new.id, new.prompt, new.tags_text);
        END;

        CREATE TRIGGER generation_tags_insert AFTER INSERT ON generation_tags BEGIN
          UPDATE generations SET tags_text = coalesce((
            SELECT group_concat(t.name, ' ') FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
            WHERE gt.generation_id = new.generation_id), '')
          WHERE id = new.generation_id;
        END;
        CREATE TRIGGER generation_tags_delete AFTER DELETE ON generation_tags BEGIN
          UPDATE generations SET tags_text = coalesce((
            SELECT group_concat(t.name, ' ') FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
            WHERE gt.generation_id = old.generation_id), '')
          WHERE id = old.generation_id;
        END;
        CREATE TRIGGER tags_rename AFTER UPDATE OF name ON tags BEGIN
          UPDATE generations SET tags_text = coalesce((
            SELECT group_concat(t.name, ' ') FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
            WHERE gt.generation_id = generations.id), '')
          WHERE id IN (SELECT generation_id FROM generation_tags WHERE tag_id = new.id);
        END;
      `);
    },
  },
  {
    version: 3,
    name: 'persisted job queue',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id            TEXT    PRIMARY KEY,
          request       TEXT    NOT NULL CHECK (json_valid(request)),
          state         TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
          position      INTEGER NOT NULL,
          created_at    INTEGER NOT NULL,
          updated_at    INTEGER NOT NULL,
          error         TEXT    CHECK (error IS NULL OR json_valid(error)),
          generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL
        );
        CREATE INDEX jobs_state_position ON jobs(state, position);
        CREATE INDEX jobs_generation ON jobs(generation_id);
      `);
    },
  },
  {
    version: 4,
    name: 'search inside Chinese and Japanese prompts (one token per ideograph)',
    up(db) {
      db.exec(`
        DROP TRIGGER generations_fts_insert;
        DROP TRIGGER generations_fts_delete;
        DROP TRIGGER generations_fts_update;
        DROP TABLE generations_fts;
        ALTER TABLE generations ADD COLUMN prompt_search TEXT NOT NULL DEFAULT '';
      `);
      const page = db.prepare('SELECT id, prompt FROM generations WHERE id > ? ORDER BY id LIMIT 5000');
      const set = db.prepare('UPDATE generations SET prompt_search = ? WHERE id = ?');
      for (let last = 0; ; ) {
        const rows = page.all(last) as Array<{ id: number; prompt: string }>;
        if (rows.length === 0) break;
        for (const r of rows) set.run(searchableText(r.prompt), r.id);
        last = rows[rows.length - 1].id;
      }
      db.exec(`
        CREATE VIRTUAL TABLE generations_fts USING fts5(
          prompt_search, tags_text,
          content = 'generations', content_rowid = 'id',
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '2 3'
        );
        INSERT INTO generations_fts(generations_fts) VALUES ('rebuild');
        CREATE TRIGGER generations_fts_insert AFTER INSERT ON generations BEGIN
          INSERT INTO generations_fts(rowid, prompt_search, tags_text) VALUES (new.id, new.prompt_search, new.tags_text);
        END;
        CREATE TRIGGER generations_fts_delete AFTER DELETE ON generations BEGIN
          INSERT INTO generations_fts(generations_fts, rowid, prompt_search, tags_text) VALUES ('delete', old.id, old.prompt_search, old.tags_text);
        END;
        CREATE TRIGGER generations_fts_update AFTER UPDATE OF prompt_search, tags_text ON generations BEGIN
          INSERT INTO generations_fts(generations_fts, rowid, prompt_search, tags_text) VALUES ('delete', old.id, old.prompt_search, old.tags_text);
          INSERT INTO generations_fts(rowid, prompt_search, tags_text) VALUES (new.id, new.prompt_search, new.tags_text);
        END;
      `);
    },
  },
  {
    version: 5,
    name: 'recipes in their own table (generation rows stay small and fast to walk)',
    up(db) {
      // A recipe carries the AR tokens (kilobytes); in the row it pushed the columns after it onto
      // overflow pages, which every search then had to read.
      db.exec(`
        CREATE TABLE generation_recipes (
          generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
          recipe        TEXT    NOT NULL CHECK (json_valid(recipe))
        );
        INSERT INTO generation_recipes (generation_id, recipe) SELECT id, recipe FROM generations WHERE recipe IS NOT NULL;
        ALTER TABLE generations DROP COLUMN recipe;
      `);
    },
  },
  {
    version: 6,
    name: 'filter by image size',
    up(db) {
      db.exec('CREATE INDEX generations_size ON generations(width, height) WHERE deleted_at IS NULL');
    },
  },
  {
    version: 7,
    name: 'text checks and best-of-N groups',
    up(db) {
      db.exec(`
        -- The text check of a generation's image (quoted strings read back): the verdict on the row, where
        -- the gallery filters on it through its index; the whole result (per string, boxes, lines read)
        -- beside the row, like the recipe, and never in the PNG.
        ALTER TABLE generations ADD COLUMN text_check TEXT CHECK (text_check IS NULL OR text_check IN ('ok', 'issues', 'no_targets'));
        CREATE TABLE generation_text_checks (
          generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
          result        TEXT    NOT NULL CHECK (json_valid(result)),
          checked_at    INTEGER NOT NULL
        );
        CREATE INDEX generations_text_check ON generations(text_check) WHERE deleted_at IS NULL;

        -- Generations made together (best of N by text): rank 0 is the best, the rest are alternates.
        CREATE TABLE generation_groups (
          id          INTEGER PRIMARY KEY,
          kind        TEXT    NOT NULL CHECK (kind IN ('best_of_text')),
          created_at  INTEGER NOT NULL
        );
        ALTER TABLE generations ADD COLUMN group_id INTEGER REFERENCES generation_groups(id) ON DELETE SET NULL;
        ALTER TABLE generations ADD COLUMN group_rank INTEGER CHECK (group_rank IS NULL OR group_rank >= 0);
        CREATE INDEX generations_group ON generations(group_id, group_rank) WHERE group_id IS NOT NULL;
      `);
    },
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1].version;
