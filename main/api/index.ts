/** The API layer: the router and handlers over the studio's services, and the transports that carry it. */
export { createApp, type App } from './app';
export { createRouter, type CallContext, type Handler, type HandlerMap, type Handlers, type Router } from './router';
export { startHttpServer, type HttpServerOptions, type RunningServer } from './transport/http';
export { MEDIA_SCHEME, mediaContentType, parseMediaUrl, resolveMediaPath } from './media';
export { contentSecurityPolicy } from './csp';
