/**
 * workspace.*: what the studio keeps between sessions besides the settings: the generate form's
 * draft, the canvas's draft (its images by library id, or small files as data URLs; mask strokes,
 * crop, the mode panel), and the saved prompt presets. Kept beside settings.json (workspace.json),
 * shared by the app and `serve`, so a reload or a restart comes back where the user was.
 */
import { z } from 'zod';
import { LIMITS } from './limits';

const num = z.number().finite();
const shortText = z.string().max(200);
const prompt = z.string().max(LIMITS.maxPromptChars);

/** The generate form (every field optional: the renderer fills the rest from its defaults). */
export const GenerateDraft = z
  .object({
    prompt,
    aspect: z.string().max(10),
    tier: z.enum(['small', 'medium', 'large']),
    custom: z.boolean(),
    width: z.number().int().min(1).max(65_535),
    height: z.number().int().min(1).max(65_535),
    steps: num,
    guidance: num,
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    seedLocked: z.boolean(),
    count: num,
    projectId: z.string().max(100).nullable(),
    /** null: the model's own (GLM-Image 0.9 / 0.75). */
    temperature: num.nullable(),
    topP: num.nullable(),
  })
  .partial();
export type GenerateDraft = z.infer<typeof GenerateDraft>;

/** An image of the canvas: a library generation, or a file's bytes as a data URL (bounded). */
export const DraftImage = z.union([
  z.object({ generationId: z.string().regex(/^[1-9]\d{0,14}$/), width: z.number().int().positive(), height: z.number().int().positive(), name: shortText }).strict(),
  z
    .object({
      dataUrl: z.string().regex(/^data:image\/(png|jpeg|webp);base64,/).max(LIMITS.maxRequestBytes / 2),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      name: shortText,
    })
    .strict(),
]);
export type DraftImage = z.infer<typeof DraftImage>;

const rect = z.object({ x: num, y: num, width: num, height: num }).strict();
const stroke = z
  .object({ mode: z.enum(['brush', 'eraser']), shape: z.enum(['rect', 'lasso']).optional(), size: num, hardness: num, points: z.array(num).max(40_000) })
  .strict();
const edge = z.number().int().min(0).max(4096);

export const CanvasDraft = z
  .object({
    base: DraftImage.nullable(),
    references: z.array(DraftImage).max(4),
    /** Each reference's role, in the same order (content when missing). */
    referenceRoles: z.array(z.enum(['content', 'style', 'subject'])).max(4),
    strokes: z.array(stroke).max(2000),
    /** The mask's invert, grow/shrink and feather (pixels). */
    maskEdit: z
      .object({ invert: z.boolean(), grow: z.number().int().min(-256).max(256), feather: z.number().int().min(0).max(256), visible: z.boolean(), opacity: z.number().min(0).max(1) })
      .partial()
      .strict(),
    /** Each reference's visibility, in the same order (visible when missing). */
    referenceVisible: z.array(z.boolean()).max(4),
    /**
     * The versions, oldest first: their image (null: the one in `base`, which is the current version),
     * label and the index of the version each was made from.
     */
    versions: z
      .array(z.object({ image: DraftImage.nullable(), label: shortText, parent: z.number().int().min(0).max(199).nullable(), place: rect.optional(), visible: z.boolean().optional(), opacity: z.number().min(0).max(1).optional(), order: z.number().int().min(0).max(1_000_000).optional() }).strict())
      .max(200),
    /** Zoom and pan when it was kept. */
    view: z.object({ zoom: z.number().positive().max(64), panX: num, panY: num }).strict(),
    crop: rect.nullable(),
    /** The canvas extended beyond the image (outpainting), pixels per side. */
    extend: z.object({ left: edge, top: edge, right: edge, bottom: edge }).strict().nullable(),
    mode: z.enum(['edit', 'style', 'identity']),
    prompt,
    /** Each mode tab's own text. */
    prompts: z.object({ edit: prompt, style: prompt, identity: prompt }).partial().strict(),
    steps: num,
    guidance: num,
    /** How an outpaint's new area is filled when it is sent (the canvas's OutpaintFill). */
    fill: z.enum(['blur', 'edge', 'grey']),
  })
  .partial();
export type CanvasDraft = z.infer<typeof CanvasDraft>;

export const PromptPreset = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(100),
    prompt,
    /** The form's other settings when the preset was saved (size, steps, guidance, sampling). */
    settings: GenerateDraft.optional(),
    createdAt: z.number().int(),
  })
  .strict();
export type PromptPreset = z.infer<typeof PromptPreset>;

export const Workspace = z
  .object({
    generate: GenerateDraft.nullable(),
    canvas: CanvasDraft.nullable(),
    presets: z.array(PromptPreset).max(500),
  })
  .strict();
export type Workspace = z.infer<typeof Workspace>;

export const workspaceMethods = {
  'workspace.get': { request: z.object({}).strict() },
  /** Replaces the parts given (each part whole). */
  'workspace.update': { request: Workspace.partial().strict() },
} as const;

export interface WorkspaceResponses {
  'workspace.get': Workspace;
  'workspace.update': Workspace;
}
