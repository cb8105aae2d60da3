/** The studio's services (main/studio) behind the one router: what every transport serves. */
import { type AppContext, type CreateContextOptions, createContext } from '../studio/context';
import { allHandlers } from './handlers';
import { createRouter, type Router } from './router';

export interface App {
  ctx: AppContext;
  router: Router;
  dispose(): Promise<void>;
}

export function createApp(options: CreateContextOptions): App {
  const ctx = createContext(options);
  const router = createRouter(allHandlers(ctx), ctx.log);
  return { ctx, router, dispose: () => ctx.dispose() };
}
