/** workspace.*: the generate and canvas drafts and the prompt presets, kept between sessions. */
import type { AppContext } from '../../studio/context';
import type { workspaceMethods } from '../../contract';
import type { Handlers, MethodsOf } from '../router';

export function workspaceHandlers(ctx: AppContext): Handlers<MethodsOf<typeof workspaceMethods>> {
  return {
    'workspace.get': () => ctx.workspace.get(),
    'workspace.update': (request) => ctx.workspace.update(request),
  };
}
