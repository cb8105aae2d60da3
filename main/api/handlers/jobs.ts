/** engine.status, jobs.* and settings.*: the engine's job queue and the user's engine settings. */
import type { AppContext } from '../../studio/context';
import type { jobsMethods } from '../../contract';
import type { Handlers, MethodsOf } from '../router';

export function jobsHandlers(ctx: AppContext): Handlers<MethodsOf<typeof jobsMethods>> {
  const services = ctx.engine;
  return {
    'engine.status': () => services.status(),
    'jobs.submit': async (request, call) => ({ job: await (await services.queue()).submitChecked(request, call.client) }),
    'jobs.list': async (request) => ({ jobs: (await services.queue()).list(request.includeFinished === true) }),
    'jobs.get': async (request) => ({ job: (await services.queue()).get(request.id) }),
    'jobs.cancel': async (request) => ({ job: (await services.queue()).cancel(request.id) }),
    'jobs.reorder': async (request) => ({ jobs: (await services.queue()).reorder(request.id, request.position) }),
    'jobs.retry': async (request) => ({ job: (await services.queue()).retry(request.id) }),
    'settings.get': () => services.settings.get(),
    'settings.update': (request) => services.settings.update(request),
  };
}
