/** Every concern's handlers, merged into the one router: a method without a handler is a type error. */
import type { AppContext } from '../../studio/context';
import type { HandlerMap } from '../router';
import { jobsHandlers } from './jobs';
import { libraryHandlers } from './library';
import { modelsHandlers } from './models';
import { remoteHandlers } from './remote';
import { systemHandlers } from './system';
import { workspaceHandlers } from './workspace';

export function allHandlers(ctx: AppContext): HandlerMap {
  return {
    ...systemHandlers(ctx),
    ...libraryHandlers(ctx),
    ...modelsHandlers(ctx),
    ...jobsHandlers(ctx),
    ...remoteHandlers(ctx),
    ...workspaceHandlers(ctx),
  } satisfies HandlerMap;
}
