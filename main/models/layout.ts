/**
 * The GLM-Image checkpoint layout (HF `zai-org/GLM-Image`, diffusers `save_pretrained` output): which component
 * folders exist, which files each needs, and which files of a hub listing the app downloads.
 * One place for this knowledge; validation, download and import all read it.
 */

export const DEFAULT_REPO = 'zai-org/GLM-Image';
export const MODEL_INDEX = 'model_index.json';

/** A requirement is met when any one of the named files exists (e.g. the processor's two config names). */
export interface FileRequirement {
  anyOf: string[];
  /** What the file is, for a report a user can read. */
  what: string;
}

export interface ComponentSpec {
  name: string;
  /** What the component does, for reports. */
  role: string;
  files: FileRequirement[];
  /** Weight files: `<stem>.safetensors` or a sharded `<stem>.safetensors.index.json` with its shards. */
  weightStems: string[] | null;
}

export const COMPONENTS: readonly ComponentSpec[] = [
  {
    name: 'vision_language_encoder',
    role: 'auto-regressive model',
    files: [
      { anyOf: ['config.json'], what: 'model config' },
      { anyOf: ['generation_config.json'], what: 'generation config' },
    ],
    weightStems: ['model'],
  },
  {
    name: 'processor',
    role: 'prompt tokenizer and image processor',
    files: [
      { anyOf: ['tokenizer.json'], what: 'tokenizer' },
      { anyOf: ['tokenizer_config.json'], what: 'tokenizer config' },
      { anyOf: ['processor_config.json', 'preprocessor_config.json'], what: 'image processor config' },
      { anyOf: ['chat_template.jinja', 'chat_template.json'], what: 'chat template' },
    ],
    weightStems: null,
  },
  {
    name: 'text_encoder',
    role: 'glyph text encoder',
    files: [{ anyOf: ['config.json'], what: 'model config' }],
    weightStems: ['model'],
  },
  {
    name: 'tokenizer',
    role: 'glyph byte tokenizer',
    files: [{ anyOf: ['tokenizer_config.json'], what: 'tokenizer config' }],
    weightStems: null,
  },
  {
    name: 'transformer',
    role: 'diffusion transformer',
    files: [{ anyOf: ['config.json'], what: 'model config' }],
    weightStems: ['diffusion_pytorch_model'],
  },
  {
    name: 'vae',
    role: 'image decoder (VAE)',
    files: [{ anyOf: ['config.json'], what: 'model config' }],
    weightStems: ['diffusion_pytorch_model'],
  },
  {
    name: 'scheduler',
    role: 'noise scheduler',
    files: [{ anyOf: ['scheduler_config.json'], what: 'scheduler config' }],
    weightStems: null,
  },
];

const COMPONENT_NAMES = new Set(COMPONENTS.map((c) => c.name));

/** File kinds inside component folders that the app reads. Everything else (README, images, .bin, .onnx...) is skipped. */
const NEEDED_EXTENSIONS = ['.json', '.safetensors', '.jinja', '.txt', '.model', '.tiktoken'];

/**
 * Whether a repository path (posix, relative to the repo root) is a file the app needs:
 * the root model_index.json, and configs, tokenizer files and safetensors weights inside the component folders.
 */
export function isNeededRepoFile(repoPath: string): boolean {
  if (repoPath === MODEL_INDEX) return true;
  const parts = repoPath.split('/');
  if (parts.length !== 2) return false;
  const [folder, file] = parts as [string, string];
  if (!COMPONENT_NAMES.has(folder)) return false;
  if (file.startsWith('.')) return false;
  return NEEDED_EXTENSIONS.some((ext) => file.endsWith(ext));
}
