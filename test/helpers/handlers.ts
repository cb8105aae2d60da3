/**
 * A HandlerMap for transport and router tests that serve a few methods: the ones given, and every
 * other method answering that this test does not serve (a test double of the studio's services).
 */
import type { HandlerMap } from '../../main/api';
import { GlimmerError, methods } from '../../main/contract';

export function testHandlers(given: Partial<HandlerMap>): HandlerMap {
  const all: Partial<HandlerMap> = {};
  for (const m of Object.keys(methods) as Array<keyof HandlerMap>) {
    (all as Record<string, unknown>)[m] =
      given[m] ??
      (() => {
        throw new GlimmerError('not_found', `${m} is not served by this test.`);
      });
  }
  return all as HandlerMap;
}
