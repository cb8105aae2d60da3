/**
 * The flow-matching scheduler's settings, as read from a checkpoint's scheduler/scheduler_config.json
 * (diffusers FlowMatchEulerDiscreteScheduler). Only the options GLM-Image's schedule depends on are
 * modelled; options that would change the schedule in ways we do not implement are refused, so a
 * checkpoint with a different scheduler fails loudly instead of drawing a subtly different image.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../../contract';

export type TimeShiftType = 'linear' | 'exponential';

export interface FlowMatchConfig {
  numTrainTimesteps: number;
  /** Static shift, used only when dynamic shifting is off. */
  shift: number;
  useDynamicShifting: boolean;
  baseShift: number;
  maxShift: number;
  baseImageSeqLen: number;
  maxImageSeqLen: number;
  timeShiftType: TimeShiftType;
}

/** diffusers' defaults for keys a config may leave out (the pipeline's own fallbacks for base/max shift). */
const DEFAULTS: FlowMatchConfig = {
  numTrainTimesteps: 1000,
  shift: 1.0,
  useDynamicShifting: false,
  baseShift: 0.25,
  maxShift: 0.75,
  baseImageSeqLen: 256,
  maxImageSeqLen: 4096,
  timeShiftType: 'exponential',
};

/** Options that select a different schedule family; we support none of them. */
const UNSUPPORTED_FLAGS = ['invert_sigmas', 'use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas', 'stochastic_sampling'];

function num(raw: Record<string, unknown>, key: string, fallback: number, where: string): number {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new GlimmerError('model_corrupt', `${where}: "${key}" should be a number but is ${JSON.stringify(v)}. Re-download the model.`);
  }
  return v;
}

/** Turns the json object (snake_case, as diffusers writes it) into our config, refusing unsupported options. */
export function parseFlowMatchConfig(raw: Record<string, unknown>, where = 'scheduler_config.json'): FlowMatchConfig {
  for (const flag of UNSUPPORTED_FLAGS) {
    if (raw[flag] === true) {
      throw new GlimmerError('model_corrupt', `${where}: "${flag}" is set, which this app's flow-matching scheduler does not support.`);
    }
  }
  if (raw.shift_terminal !== undefined && raw.shift_terminal !== null) {
    throw new GlimmerError('model_corrupt', `${where}: "shift_terminal" is set, which this app's flow-matching scheduler does not support.`);
  }
  const type = raw.time_shift_type ?? DEFAULTS.timeShiftType;
  if (type !== 'linear' && type !== 'exponential') {
    throw new GlimmerError('model_corrupt', `${where}: "time_shift_type" must be "linear" or "exponential", not ${JSON.stringify(type)}.`);
  }
  const cfg: FlowMatchConfig = {
    numTrainTimesteps: num(raw, 'num_train_timesteps', DEFAULTS.numTrainTimesteps, where),
    shift: num(raw, 'shift', DEFAULTS.shift, where),
    useDynamicShifting: raw.use_dynamic_shifting === true,
    baseShift: num(raw, 'base_shift', DEFAULTS.baseShift, where),
    maxShift: num(raw, 'max_shift', DEFAULTS.maxShift, where),
    baseImageSeqLen: num(raw, 'base_image_seq_len', DEFAULTS.baseImageSeqLen, where),
    maxImageSeqLen: num(raw, 'max_image_seq_len', DEFAULTS.maxImageSeqLen, where),
    timeShiftType: type,
  };
  if (!Number.isInteger(cfg.numTrainTimesteps) || cfg.numTrainTimesteps < 2) {
    throw new GlimmerError('model_corrupt', `${where}: "num_train_timesteps" must be an integer of at least 2, not ${cfg.numTrainTimesteps}.`);
  }
  if (cfg.baseImageSeqLen <= 0) {
    throw new GlimmerError('model_corrupt', `${where}: "base_image_seq_len" must be positive.`);
  }
  return cfg;
}

/** Reads <componentDir>/scheduler_config.json. */
export function loadFlowMatchConfig(componentDir: string): FlowMatchConfig {
  const file = path.join(componentDir, 'scheduler_config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new GlimmerError(
      missing ? 'model_missing' : 'model_corrupt',
      missing ? `The scheduler settings ${file} are missing. Re-download the model.` : `The scheduler settings ${file} could not be read. Re-download the model.`,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GlimmerError('model_corrupt', `The scheduler settings ${file} are not a JSON object. Re-download the model.`);
  }
  return parseFlowMatchConfig(raw as Record<string, unknown>, file);
}
