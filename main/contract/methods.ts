/**
 * Every API method: its request schema (validated before a handler sees it) and response type,
 * merged from the concerns (system, library, models, jobs, remote, workspace). Each concern's handlers live in
 * main/api/handlers/<concern>.ts and are typed as a complete map of its methods.
 */
import type { z } from 'zod';
import { jobsMethods, type JobsResponses } from './jobs';
import { libraryMethods, type LibraryResponses } from './library';
import { modelsMethods, type ModelsResponses } from './models';
import { remoteMethods, type RemoteResponses } from './remote';
import { systemMethods, type SystemResponses } from './system';
import { workspaceMethods, type WorkspaceResponses } from './workspace';

export const methods = { ...systemMethods, ...libraryMethods, ...modelsMethods, ...jobsMethods, ...remoteMethods, ...workspaceMethods } as const;

/** Response types by method (the handler's return type must match). */
export interface Responses extends SystemResponses, LibraryResponses, ModelsResponses, JobsResponses, RemoteResponses, WorkspaceResponses {}

export type Method = keyof typeof methods & keyof Responses;
export type RequestOf<M extends Method> = z.input<(typeof methods)[M]['request']>;
export type ParsedRequestOf<M extends Method> = z.output<(typeof methods)[M]['request']>;
export type ResponseOf<M extends Method> = Responses[M];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
