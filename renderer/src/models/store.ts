/**
 * What the Models screen shows, kept outside the page so it survives leaving it: the models list, downloads and
 * compiles (from models.list / models.download.list / models.compile.list, then kept current by their events), the
 * modules each compile has finished, and the model in use (settings.modelDir).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { EventMessage, ModelCompile, ModelDownload, ModelInfo } from '../../../main/contract';
import { api, call } from '../api/client';
import { errorText } from './format';

export type ModuleState = 'start' | 'skipped' | 'done';

export interface ModelsState {
  models: ModelInfo[];
  modelsDir: string;
  hfCacheDir: string;
  downloads: ModelDownload[];
  compiles: ModelCompile[];
  /** Per compile id: each module seen so far and how it ended (in order). */
  modules: Record<string, { module: string; state: ModuleState }[]>;
  modelDir: string | null;
  loaded: boolean;
  error: string | null;
}

let state: ModelsState = { models: [], modelsDir: '', hfCacheDir: '', downloads: [], compiles: [], modules: {}, modelDir: null, loaded: false, error: null };
const listeners = new Set<() => void>();
let started = false;
let loading: Promise<void> | null = null;
let again = false;

function set(patch: Partial<ModelsState>): void {
  state = { ...state, ...patch };
  for (const l of [...listeners]) l();
}

function upsert<T extends { id: string }>(items: T[], item: T): T[] {
  const i = items.findIndex((x) => x.id === item.id);
  if (i < 0) return [...items, item];
  const next = items.slice();
  next[i] = item;
  return next;
}

function noteModule(compile: ModelCompile): void {
  const p = compile.progress;
  if (!p) {
    // a compile (re)started: modules are reported afresh
    if (compile.state === 'running') set({ modules: { ...state.modules, [compile.id]: [] } });
    return;
  }
  const seen = state.modules[compile.id] ?? [];
  const i = seen.findIndex((s) => s.module === p.module);
  const entry = { module: p.module, state: p.state };
  const next = i < 0 ? [...seen, entry] : seen.map((s, k) => (k === i ? entry : s));
  set({ modules: { ...state.modules, [compile.id]: next } });
}

/** Loads the list, downloads, compiles and settings again (calls made while one runs are merged into one more). */
export function reloadModels(): Promise<void> {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    try {
      const [list, compiles, settings] = await Promise.all([call('models.list', {}), call('models.compile.list', {}), call('settings.get', {})]);
      // jobs the events already told about are newer than the list when they changed since it was asked for
      const downloads = list.downloads.map((d) => {
        const known = state.downloads.find((x) => x.id === d.id);
        return known && known.updatedAt > d.updatedAt ? known : d;
      });
      const mergedCompiles = compiles.compiles.map((c) => {
        const known = state.compiles.find((x) => x.id === c.id);
        return known && known.updatedAt > c.updatedAt ? known : c;
      });
      set({
        models: list.models,
        modelsDir: list.modelsDir,
        hfCacheDir: list.hfCacheDir,
        downloads,
        compiles: mergedCompiles,
        modelDir: settings.modelDir,
        loaded: true,
        error: null,
      });
    } catch (err) {
      set({ loaded: true, error: errorText(err) });
    } finally {
      loading = null;
      if (again) {
        again = false;
        void reloadModels();
      }
    }
  })();
  return loading;
}

export function setModelDir(modelDir: string | null): void {
  set({ modelDir });
}

function onEvent(message: EventMessage): void {
  switch (message.event) {
    case 'models.download.progress':
    case 'models.download.updated': {
      const { download } = message.payload as { download: ModelDownload };
      set({ downloads: upsert(state.downloads, download) });
      if (message.event === 'models.download.updated' && download.state !== 'running') void reloadModels();
      break;
    }
    case 'models.compile.progress':
    case 'models.compile.updated': {
      const { compile } = message.payload as { compile: ModelCompile };
      set({ compiles: upsert(state.compiles, compile) });
      noteModule(compile);
      if (message.event === 'models.compile.updated') void reloadModels();
      break;
    }
    default:
      break;
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The models state; the first use subscribes to the models events for the life of the window. */
export function useModels(): ModelsState {
  useEffect(() => {
    if (!started) {
      started = true;
      api.subscribe(onEvent);
    }
    void reloadModels();
  }, []);
  return useSyncExternalStore(subscribe, () => state);
}
