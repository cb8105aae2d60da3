/**
 * GLM-Image's processor, in TypeScript: chat template, target-shape suffix, `<|image|>` expansion
 * per reference grid, image_grid_thw, and the 3-D position ids of the prompt and of every
 * generated grid. Mirrors transformers GlmImageProcessor + GlmImageModel.get_rope_index (read and
 * re-derived; no code copied).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { GlimmerError } from '../../contract';
import { type GridShape, targetGrids, targetShapeSuffix } from './grids';
import { type RopeIndex, ropeIndex } from './positions';
import { DEFAULT_RESIZE, type SmartResizeOptions, smartResize } from './resize';
import { GlmTokenizer, readJsonFile } from './tokenizer';

export interface ImageProcessorSettings extends Required<SmartResizeOptions> {
  patchSize: number;
  mergeSize: number;
}

export interface TextToImageRequest {
  prompt: string;
  height: number;
  width: number;
}

export interface ImageToImageRequest extends TextToImageRequest {
  /** Original pixel sizes of the reference images, in prompt order. */
  references: Array<{ height: number; width: number }>;
}

export interface ProcessedPrompt {
  /** Text-to-image prompts ask for a preview grid before the target grid; image-to-image ones do not. */
  withPreview: boolean;
  /** Prompt ids; reference-image tokens are `imageTokenId` placeholders until filled with VQ ids. */
  inputIds: number[];
  /** [t, h, w] per grid: [sources..., target, (preview for t2i)], as the reference processor. */
  imageGridThw: Array<[number, number, number]>;
  sourceGrids: GridShape[];
  target: GridShape;
  preview?: GridShape;
  /** Prefill and decode position ids, and the grids in generation order. */
  rope: RopeIndex;
  imageTokenId: number;
  imageStartId: number;
  imageEndId: number;
}

interface SpecialTokens {
  image: string;
  gridBos: string;
  gridEos: string;
  bos: string;
  eos: string;
}

function readImageSettings(processorDir: string): ImageProcessorSettings {
  // processor_config.json (newer transformers: image_processor nested) or preprocessor_config.json (older).
  const candidates = ['processor_config.json', 'preprocessor_config.json'].map((f) => path.join(processorDir, f));
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    return { ...DEFAULT_RESIZE, patchSize: 16, mergeSize: 1 };
  }
  const raw = readJsonFile<Record<string, unknown>>(file, 'The image processor config');
  const ip = (raw.image_processor ?? raw) as Record<string, unknown>;
  const size = (ip.size ?? {}) as Record<string, number>;
  const patchSize = Number(ip.patch_size ?? 16);
  const mergeSize = Number(ip.merge_size ?? 1);
  return {
    factor: patchSize * mergeSize,
    minPixels: Number(ip.min_pixels ?? size.shortest_edge ?? DEFAULT_RESIZE.minPixels),
    maxPixels: Number(ip.max_pixels ?? size.longest_edge ?? DEFAULT_RESIZE.maxPixels),
    patchSize,
    mergeSize,
  };
}

export class GlmImageProcessor {
  readonly tokenizer: GlmTokenizer;
  readonly imageSettings: ImageProcessorSettings;
  private readonly template: Template;
  private readonly tokens: SpecialTokens;
  readonly imageTokenId: number;
  readonly imageStartId: number;
  readonly imageEndId: number;

  constructor(tokenizer: GlmTokenizer, chatTemplate: string, imageSettings: ImageProcessorSettings) {
    this.tokenizer = tokenizer;
    this.imageSettings = imageSettings;
    try {
      this.template = new Template(chatTemplate);
    } catch (err) {
      throw new GlimmerError('model_corrupt', 'The chat template of the model could not be parsed. Re-download the model.', {
        cause: err instanceof Error ? err.message : String(err),
      });
    }
    const c = tokenizer.config;
    this.tokens = {
      image: c.image_token ?? '<|image|>',
      gridBos: c.grid_bos_token ?? '<sop>',
      gridEos: c.grid_eos_token ?? '<eop>',
      bos: c.bos_token ?? '<|dit_token_16384|>',
      eos: c.eos_token ?? '<|dit_token_16385|>',
    };
    this.imageTokenId = tokenizer.idOf(this.tokens.image);
    this.imageStartId = tokenizer.idOf(this.tokens.bos);
    this.imageEndId = tokenizer.idOf(this.tokens.eos);
  }

  /** Loads the checkpoint's processor/ folder (tokenizer.json, tokenizer_config.json, chat_template.jinja). */
  static load(processorDir: string): GlmImageProcessor {
    const tokenizer = GlmTokenizer.load(processorDir);
    const templateFile = path.join(processorDir, 'chat_template.jinja');
    let chatTemplate: string;
    if (existsSync(templateFile)) {
      chatTemplate = readFileSync(templateFile, 'utf8');
    } else if (typeof tokenizer.config.chat_template === 'string') {
      chatTemplate = tokenizer.config.chat_template;
    } else {
      throw new GlimmerError('model_missing', `The chat template is missing: ${templateFile}. Re-download the model.`, {
        file: templateFile,
      });
    }
    return new GlmImageProcessor(tokenizer, chatTemplate, readImageSettings(processorDir));
  }

  /** The chat template applied to one user message: reference images first, then the text. */
  renderPrompt(prompt: string, numImages: number): string {
    const content: Array<Record<string, string>> = [];
    for (let i = 0; i < numImages; i++) content.push({ type: 'image' });
    content.push({ type: 'text', text: prompt });
    return this.template.render({ messages: [{ role: 'user', content }] });
  }

  /** Grid of a reference image of this original size (smart resize at half resolution). */
  referenceGrid(height: number, width: number): GridShape {
    const r = smartResize(height, width, this.imageSettings);
    return { h: r.height / this.imageSettings.patchSize, w: r.width / this.imageSettings.patchSize };
  }

  textToImage(req: TextToImageRequest): ProcessedPrompt {
    return this.build(req, []);
  }

  imageToImage(req: ImageToImageRequest): ProcessedPrompt {
    if (!Array.isArray(req.references) || req.references.length === 0) {
      throw new GlimmerError('bad_request', 'Image-to-image needs at least one reference image.');
    }
    return this.build(
      req,
      req.references.map((r) => this.referenceGrid(r.height, r.width)),
    );
  }

  /** Replaces the `<|image|>` placeholders, in order, by the reference images' VQ ids. */
  fillImageTokens(inputIds: number[], vqIds: ArrayLike<number>): number[] {
    const out = inputIds.slice();
    let k = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i] === this.imageTokenId) {
        if (k >= vqIds.length) break;
        out[i] = Number(vqIds[k++]);
      }
    }
    const placeholders = inputIds.filter((t) => t === this.imageTokenId).length;
    if (placeholders !== vqIds.length) {
      throw new GlimmerError(
        'internal',
        `The prompt has ${placeholders} image placeholders but the reference images gave ${vqIds.length} tokens.`,
      );
    }
    return out;
  }

  private checkPrompt(prompt: string): void {
    if (typeof prompt !== 'string' || prompt.trim().length === 0) {
      throw new GlimmerError('bad_request', 'The prompt is empty. Describe the image you want.');
    }
    const reserved = this.tokenizer.encode(prompt).filter((id) => this.tokenizer.isSpecial(id));
    if (reserved.length > 0) {
      const names = [...new Set(reserved.map((id) => this.tokenizer.decode([id])))].slice(0, 3).join(', ');
      throw new GlimmerError('bad_request', `The prompt contains reserved model tokens (${names}). Remove them and try again.`);
    }
  }

  private build(req: TextToImageRequest, sourceGrids: GridShape[]): ProcessedPrompt {
    this.checkPrompt(req.prompt);
    const grids = targetGrids(req.height, req.width);
    const t2i = sourceGrids.length === 0;
    let text = this.renderPrompt(req.prompt, sourceGrids.length);
    // Expand each <|image|> to h*w copies (one per reference grid, in order).
    let expanded = '';
    let rest = text;
    for (const g of sourceGrids) {
      const at = rest.indexOf(this.tokens.image);
      if (at < 0) throw new GlimmerError('internal', 'The chat template did not place every reference image.');
      expanded += rest.slice(0, at) + this.tokens.image.repeat(g.h * g.w);
      rest = rest.slice(at + this.tokens.image.length);
    }
    text = expanded + rest;
    text += targetShapeSuffix(grids, t2i, this.tokens);
    const inputIds = this.tokenizer.encode(text);

    const imageGridThw: Array<[number, number, number]> = sourceGrids.map((g) => [1, g.h, g.w]);
    imageGridThw.push([1, grids.target.h, grids.target.w]);
    if (t2i) imageGridThw.push([1, grids.preview.h, grids.preview.w]);
    const rope = ropeIndex({
      inputIds,
      grids: imageGridThw.map(([, h, w]) => ({ h, w })),
      imageStartId: this.imageStartId,
      imageEndId: this.imageEndId,
    });
    return {
      withPreview: t2i,
      inputIds,
      imageGridThw,
      sourceGrids,
      target: grids.target,
      ...(t2i ? { preview: grids.preview } : {}),
      rope,
      imageTokenId: this.imageTokenId,
      imageStartId: this.imageStartId,
      imageEndId: this.imageEndId,
    };
  }
}
