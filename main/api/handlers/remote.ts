/** servers.*: the servers jobs may run on (Settings → Servers): list, add, update, remove, test. */
import type { AppContext } from '../../studio/context';
import type { remoteMethods } from '../../contract';
import type { Handlers, MethodsOf } from '../router';

export function remoteHandlers(ctx: AppContext): Handlers<MethodsOf<typeof remoteMethods>> {
  const { servers, targets } = ctx.engine;
  return {
    'servers.list': () => targets.list(),
    'servers.add': async (request) => {
      const config = await servers.add(request);
      targets.emitChanged();
      return { server: targets.info(config) };
    },
    'servers.update': async (request) => {
      const { id, ...patch } = request;
      const before = servers.get(id);
      const config = await servers.update(id, patch);
      targets.changed(before, config);
      targets.emitChanged();
      return { server: targets.info(config) };
    },
    'servers.remove': async (request) => {
      await servers.remove(request.id);
      targets.forget(request.id);
      targets.emitChanged();
      return { removed: true as const };
    },
    'servers.test': (request, call) => targets.test(request, call.signal),
  };
}
