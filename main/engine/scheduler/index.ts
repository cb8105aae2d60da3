/**
 * Flow-matching Euler scheduler with GLM-Image's dynamic shift. Knows nothing of the model: it turns
 * (steps, image token count, scheduler_config.json) into timesteps and sigmas, and velocities into
 * the next latents.
 */
export type { FlowMatchConfig, TimeShiftType } from './config';
export { parseFlowMatchConfig, loadFlowMatchConfig } from './config';
export type { Schedule } from './schedule';
export { buildSchedule, calculateShift, imageSeqLen } from './schedule';
export { eulerStep, guidanceCombine, scheduleStep } from './euler';
