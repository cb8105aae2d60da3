/**
 * Library media paths are relative to the media protocol: `glimmer-media://` in Electron, `/media/`
 * in `serve`. Anything already absolute (data:, blob:, a full URL) passes through.
 */
export function mediaUrl(relative: string): string {
  if (/^(data:|blob:|glimmer-media:|https?:|\/)/.test(relative)) return relative;
  return window.glimmer ? `glimmer-media://${relative}` : `/media/${relative}`;
}
