/**
 * Validates a request against the contract and dispatches it to its handler. Whatever happens, the
 * caller gets a CallResult: a bad request is a typed 'bad_request' error, a handler's error becomes
 * its error shape (an unexpected one: a generic message with a log id, the full text in the log), and
 * nothing crashes the process.
 */
import type { z } from 'zod';
import { type CallResult, type Method, type ParsedRequestOf, type ResponseOf, GlimmerError, isMethod, methods, toErrorShape } from '../contract';

export interface CallContext {
  /** Which transport the call came through (for logs and policy). */
  transport: 'ipc' | 'http' | 'cli' | 'test';
  signal?: AbortSignal;
  /** Who is calling, for fairness among serve's clients (a studio's id, or the peer address). */
  client?: string;
}

export type Handler<M extends Method> = (request: ParsedRequestOf<M>, ctx: CallContext) => Promise<ResponseOf<M>> | ResponseOf<M>;
/** A complete set of handlers for some methods (a concern's): a missing one is a type error. */
export type Handlers<Ms extends Method> = { [M in Ms]: Handler<M> };
/** Every method's handler. */
export type HandlerMap = Handlers<Method>;
/** The method names of a concern's method table (contract `libraryMethods` etc.). */
export type MethodsOf<T> = keyof T & Method;

export interface Router {
  call(method: unknown, request: unknown, ctx: CallContext): Promise<CallResult<unknown>>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}

export function createRouter(handlers: HandlerMap, log: (message: string) => void = () => {}): Router {
  return {
    async call(method, request, ctx) {
      try {
        if (!isMethod(method)) {
          throw new GlimmerError('bad_request', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`);
        }
        const handler = handlers[method] as Handler<typeof method>;
        const schema = methods[method].request as z.ZodType;
        const parsed = schema.safeParse(request ?? {});
        if (!parsed.success) {
          throw new GlimmerError('bad_request', `Invalid request for ${method}: ${describeIssues(parsed.error)}`);
        }
        const value = await handler(parsed.data as never, ctx);
        return { ok: true, value };
      } catch (err) {
        // an unexpected failure: its full text to the log under a log id, a generic message to the caller
        return { ok: false, error: toErrorShape(err, (line) => log(`[api] ${String(method).slice(0, 80)}: ${line}`)) };
      }
    },
  };
}
