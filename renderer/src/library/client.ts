/** The library's API methods as the renderer uses them (typed by the contract). */
import type { LibraryGeneration, LibraryGenerationSummary, LibraryPage, LibraryProject, RequestOf } from '../../../main/contract';
import { call } from '../api/client';

export type SearchQuery = RequestOf<'library.search'>;

export const library = {
  search: (q: SearchQuery): Promise<LibraryPage> => call('library.search', q),
  get: (id: string | number): Promise<LibraryGeneration> => call('library.get', { id: String(id) }).then((r) => r.generation),
  update: (id: string, patch: Omit<RequestOf<'library.update'>, 'id'>): Promise<LibraryGeneration> => call('library.update', { id, ...patch }).then((r) => r.generation),
  remove: (ids: string[]) => call('library.delete', { ids }),
  restore: (ids: string[]) => call('library.restore', { ids }),
  move: (ids: string[], projectId: string | null) => call('library.move', { ids, projectId }),
  updateMany: (ids: string[], patch: Omit<RequestOf<'library.updateMany'>, 'ids'>) => call('library.updateMany', { ids, ...patch }),
  exportIds: (ids: string[], folder: string, name?: string) => call('library.export', { ids, folder, ...(name ? { name } : {}) }),
  exportBoard: (projectId: string, folder: string) => call('library.export', { projectId, folder }),
  emptyTrash: () => call('library.emptyTrash', {}),
  projects: (): Promise<LibraryProject[]> => call('projects.list', {}).then((r) => r.projects),
  createProject: (name: string): Promise<LibraryProject> => call('projects.create', { name }).then((r) => r.project),
  renameProject: (id: string, name: string): Promise<LibraryProject> => call('projects.rename', { id, name }).then((r) => r.project),
  deleteProject: (id: string): Promise<LibraryProject> => call('projects.delete', { id }).then((r) => r.project),
  restoreProject: (id: string): Promise<LibraryProject> => call('projects.restore', { id }).then((r) => r.project),
  tags: () => call('library.tags', {}).then((r) => r.tags),
};

export type Generation = LibraryGeneration;
export type GenerationSummary = LibraryGenerationSummary;
export type Project = LibraryProject;
