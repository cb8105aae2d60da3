/**
 * The flow-matching scheduler against the recorded `sched.timesteps`, `sched.sigmas` and the
 * timesteps every recorded DiT call received, for every golden case.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readConfig } from '../../native-models/safetensors';
import { buildSchedule, imageSeqLen, loadFlowMatchConfig } from '../../main/engine/scheduler';
import { checkpointDir, listCases } from '../helpers/fixtures';
import { CaseGoldens, relativeError } from '../helpers/dit-goldens';

const ckpt = checkpointDir();
const schedCfg = loadFlowMatchConfig(path.join(ckpt, 'scheduler'));
const vaeCfg = readConfig<{ block_out_channels: number[] }>(path.join(ckpt, 'vae'));
const ditCfg = readConfig<{ patch_size: number }>(path.join(ckpt, 'transformer'));
const vaeScale = 2 ** (vaeCfg.block_out_channels.length - 1);

describe('scheduler goldens', () => {
  for (const name of listCases()) {
    test(name, async () => {
      const g = await CaseGoldens.open(name);
      try {
        const { height, width, steps } = g.request;
        const s = buildSchedule(steps, imageSeqLen(height, width, vaeScale, ditCfg.patch_size), schedCfg);
        const refT = await g.floatAny('sched.timesteps');
        const refS = await g.floatAny('sched.sigmas');
        assert.equal(s.timesteps.length, refT.length);
        assert.equal(s.sigmas.length, refS.length);
        assert.deepEqual([...s.timesteps], [...refT], 'timesteps are exact integers');
        const errS = relativeError(s.sigmas, refS);
        console.log(`  ${name}: mu=${s.mu.toFixed(6)} sigmas rel err ${errS.toExponential(2)}`);
        assert.ok(errS <= 1e-4, `sigmas rel err ${errS}`);
        // Each step's DiT calls were conditioned on t_i − 1.
        for (let i = 0; i < steps; i++) {
          for (let k = 0; k < g.passesPerStep(); k++) {
            const call = g.condCall(i) + k;
            const t = await g.floatAny(`dit.${call}.timestep`);
            assert.equal(t[0], s.modelTimesteps[i], `dit.${call}.timestep`);
          }
        }
      } finally {
        await g.close();
      }
    });
  }
});
