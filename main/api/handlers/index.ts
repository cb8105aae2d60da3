/** Every concern's handlers, merged into the one router. */
import type { AppContext } from '../../context';
import type { HandlerMap } from '../router';
import { modelsHandlers } from './models';
import { engineHandlers } from './engine';
import { libraryHandlers } from './library';
import { systemHandlers } from './system';

export function allHandlers(ctx: AppContext): HandlerMap {
  const handlers: HandlerMap = {
    ...systemHandlers(ctx),
    ...modelsHandlers(ctx),
    ...engineHandlers(ctx),
    ...libraryHandlers(ctx),
    // @handlers (add `...xHandlers(ctx),` lines here)
  };
  handlers['system.capabilities'] = () => ({ methods: Object.keys(handlers).sort() });
  return handlers;
}
