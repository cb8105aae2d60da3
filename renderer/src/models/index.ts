/** The Models screen's parts: list, download, import, HF cache, compile, and the store that keeps their state. */
export { ModelTable, type ModelActions } from './ModelTable';
export { DownloadCard, startDownload } from './DownloadCard';
export { ImportCard } from './ImportCard';
export { HfCacheCard } from './HfCacheCard';
export { CompileCard } from './CompileCard';
export { TierCard } from './TierCard';
export { CompileDialog, RemoveDialog } from './dialogs';
export { reloadModels, setModelDir, useModels, type ModelsState } from './store';
export { errorText, formatBytes } from './format';
