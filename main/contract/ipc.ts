/** Electron IPC channel names: the only values the preload script imports from the contract. */
export const IPC = { call: 'glimmer:call', event: 'glimmer:event' } as const;
