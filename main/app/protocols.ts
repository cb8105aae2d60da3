/**
 * app://studio/ serves the built renderer; glimmer-media://<root>/<path> serves files under the app's
 * own data folders only. The answers are made by protocol-handlers.ts (plain functions, tested in
 * Node); this file only registers them with Electron.
 */
import { protocol } from 'electron';
import { MEDIA_SCHEME, type MediaRoots } from '../api/media';
import { APP_SCHEME, appProtocolResponse, mediaProtocolResponse } from './protocol-handlers';

export { APP_SCHEME };

export function registerProtocols(options: { rendererDir: string; mediaRoots: MediaRoots; log: (line: string) => void }): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request, options.rendererDir, options.log));
  protocol.handle(MEDIA_SCHEME, (request) => mediaProtocolResponse(request, options.mediaRoots, options.log));
}
