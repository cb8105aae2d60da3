/** Servers in the renderer: the list, the target of the next job, the picker and the Settings card. */
export { serversStore, targetStore, targetKind, targetName, targetValue, targetFromValue, type ServersState } from './store';
export { TargetPicker, useTarget, useTargetLimits } from './TargetPicker';
export { ServersCard } from './ServersCard';
export { isTargetLimit, kindHelp, kindLabel, limitText } from './words';
