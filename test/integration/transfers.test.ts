/**
 * What crosses between host and device, counted by the session layer (main/engine/transfers.ts), on
 * every test provider:
 *   - the AR: where the provider keeps outputs on the device (WebGPU), a decode token moves its id,
 *     its positions, two lengths and the logits, the same bytes for the first token and the last;
 *     elsewhere the KV cache crosses both ways and grows by one token's keys/values per token;
 *   - the DiT's reference keys/values (the recorded image-to-image calls): on the device they are
 *     never read back by the reference pass nor sent by a conditional pass; on the CPU provider they
 *     are read once and sent with every conditional pass, which fixes the exact difference.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProviderName } from '../../main/contract';
import { ArModel, generateImageTokens } from '../../main/engine/ar';
import { keepsOutputsOnDevice } from '../../main/engine/session';
import { GlmImageProcessor } from '../../main/engine/processor';
import { transfers } from '../../main/engine/transfers';
import { buildFixtureDit } from '../helpers/dit-build';
import { CaseGoldens } from '../helpers/dit-goldens';
import { replayCalls } from '../helpers/dit-passes';
import { compiledTinyModel } from '../helpers/engine';
import { checkpointDir } from '../helpers/fixtures';
import { describeEachProvider, testProviders } from '../helpers/providers';

const processor = GlmImageProcessor.load(path.join(checkpointDir(), 'processor'));

describeEachProvider('AR bytes per decode token', (provider) => {
  let model: ArModel;
  before(async () => {
    model = await ArModel.load(path.join(await compiledTinyModel(), 'ar', 'ar.json'), { provider });
  });
  after(() => model?.release());

  test('first vs last token of a generation', async () => {
    const prompt = processor.textToImage({ prompt: 'A red kite over a green hill', height: 64, width: 64 });
    const perToken: number[] = [];
    let prefill = 0;
    await generateImageTokens(model, prompt, {
      rng: { nextFloat: () => 0.5 },
      codebookSize: model.manifest.config.codebookSize,
      endTokenId: model.manifest.config.eosTokenId,
      onLogits: (step) => {
        const b = transfers.last.sent + transfers.last.read;
        if (step === 0) prefill = b;
        else perToken.push(b);
      },
    });
    const { numLayers, numKvHeads, headDim, visionVocabSize } = model.manifest.config;
    const first = perToken[0]!;
    const last = perToken[perToken.length - 1]!;
    console.log(`# ${provider}: prefill ${prefill} B, decode token 1: ${first} B, token ${perToken.length}: ${last} B`);
    // logits + one int64 id + three int32 positions + two int32 lengths
    const fixed = visionVocabSize * 4 + 8 + 12 + 8;
    if (keepsOutputsOnDevice(provider)) {
      assert.ok(perToken.every((b) => b === fixed), `every decode token moves ${fixed} B (logits and the step's inputs), whatever the cache holds`);
    } else {
      // the cache goes in as past and comes back as present: one more token's keys and values each way
      const kvPerToken = 2 * numLayers * numKvHeads * headDim * 4;
      for (let k = 1; k < perToken.length; k++) assert.equal(perToken[k]! - perToken[k - 1]!, 2 * kvPerToken, `token ${k}`);
      assert.ok(last > first);
    }
  });
});

describe('DiT reference keys/values (the recorded image-to-image calls)', () => {
  const providers = testProviders();
  const device = providers.filter((p) => keepsOutputsOnDevice(p.name));
  const cpuSkip = providers.find((p) => p.name === 'cpu')?.skip;
  const skip = cpuSkip ?? (device.some((p) => !p.skip) ? false : `no provider here keeps outputs on the device (${device.map((p) => `${p.name}: ${p.skip}`).join('; ') || 'none asked for'})`);

  /** Every recorded DiT call of the i2i case on a provider: bytes sent and read, and the cache size. */
  async function replay(provider: ProviderName): Promise<{ sent: number; read: number; cacheBytes: number; condPasses: number }> {
    const dit = await buildFixtureDit('fp32', { provider });
    const g = await CaseGoldens.open('i2i_style');
    try {
      transfers.reset();
      let cacheBytes = 0;
      let condPasses = 0;
      for await (const r of replayCalls(dit.model, g)) {
        if (r.kind === 'reference') {
          const c = dit.model.config;
          cacheBytes += 2 * c.numLayers * c.numHeads * r.call.priorTokenId.data.length * c.headDim * 4;
        }
        if (r.kind === 'cond') condPasses++;
      }
      const { sent, read } = transfers.report().modules.dit!;
      return { sent, read, cacheBytes, condPasses };
    } finally {
      await g.close();
      await dit.dispose();
    }
  }

  test('read back and sent with every conditional pass on the CPU; never on a device-output provider', { skip }, async () => {
    const cpu = await replay('cpu');
    assert.ok(cpu.cacheBytes > 0 && cpu.condPasses > 0, 'the case has a reference pass and conditional passes');
    for (const p of device.filter((d) => !d.skip)) {
      const dev = await replay(p.name);
      console.log(
        `# reference cache ${cpu.cacheBytes} B, ${cpu.condPasses} conditional passes: DiT sent ${cpu.sent} B / read ${cpu.read} B on cpu, sent ${dev.sent} B / read ${dev.read} B on ${p.name}`,
      );
      assert.equal(cpu.read - dev.read, cpu.cacheBytes, 'the reference pass hands the cache to the host on the CPU only');
      assert.equal(cpu.sent - dev.sent, cpu.condPasses * cpu.cacheBytes, 'each conditional pass sends the cache on the CPU only');
      assert.ok(dev.sent < cpu.cacheBytes, `${p.name}: all the passes together send less than the cache once`);
    }
  });
});
