/** Small pure parts of the model manager: which hub files are needed, hub settings, precision names, speed/ETA. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GlimmerError } from '../../main/contract';
import { checkpointFolderName, isNeededRepoFile, resolveHub, SpeedMeter, summarizePrecision } from '../../main/models';

describe('isNeededRepoFile', () => {
  test('configs, tokenizers and safetensors weights of the components; nothing else', () => {
    for (const p of [
      'model_index.json',
      'vision_language_encoder/config.json',
      'vision_language_encoder/model-00003-of-00004.safetensors',
      'vision_language_encoder/model.safetensors.index.json',
      'processor/chat_template.jinja',
      'processor/tokenizer.json',
      'transformer/diffusion_pytorch_model.safetensors',
      'scheduler/scheduler_config.json',
    ]) {
      assert.ok(isNeededRepoFile(p), p);
    }
    for (const p of [
      'README.md',
      '.gitattributes',
      'LICENSE',
      'assets/teaser.png',
      'vae/diffusion_pytorch_model.bin',
      'transformer/diffusion_pytorch_model.fp16.onnx',
      'vae/.hidden.json',
      'other/config.json',
      'vae/sub/config.json',
      'config.json',
    ]) {
      assert.ok(!isNeededRepoFile(p), p);
    }
  });
});

describe('resolveHub', () => {
  test('setting, then HF_ENDPOINT, then huggingface.co; trailing slashes dropped; blank token ignored', () => {
    assert.equal(resolveHub({}, {}).endpoint, 'https://huggingface.co');
    assert.equal(resolveHub({}, { HF_ENDPOINT: 'https://hf-mirror.com/' }).endpoint, 'https://hf-mirror.com');
    assert.equal(resolveHub({ endpoint: 'http://127.0.0.1:8080//' }, { HF_ENDPOINT: 'https://x.org' }).endpoint, 'http://127.0.0.1:8080');
    assert.equal(resolveHub({ token: '  ' }, {}).token, undefined);
    assert.equal(resolveHub({ token: 'abc' }, {}).token, 'abc');
  });

  test('a non-http endpoint is a bad request', () => {
    for (const endpoint of ['ftp://x', 'not a url', 'file:///etc']) {
      assert.throws(() => resolveHub({ endpoint }, {}), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_request');
    }
  });
});

test('summarizePrecision names float dtypes, mixed ones joined', () => {
  assert.equal(summarizePrecision(['BF16']), 'bf16');
  assert.equal(summarizePrecision(['F32', 'BF16', 'I64']), 'bf16+fp32');
  assert.equal(summarizePrecision(['I64']), 'int64');
  assert.equal(summarizePrecision([]), null);
});

test('checkpointFolderName keeps main plain and makes revisions file-name safe', () => {
  assert.equal(checkpointFolderName('zai-org/GLM-Image'), 'zai-org--GLM-Image');
  assert.equal(checkpointFolderName('zai-org/GLM-Image', 'refs/pr/3'), 'zai-org--GLM-Image@refs_pr_3');
});

test('SpeedMeter: bytes over the window and the ETA they imply (injected clock)', () => {
  let now = 0;
  const m = new SpeedMeter(5000, () => now);
  assert.equal(m.bytesPerSecond(), 0);
  assert.equal(m.etaSeconds(100), null);
  m.add(0);
  for (let i = 0; i < 10; i++) {
    now += 1000;
    m.add(2000);
  }
  // Only the last 5 s count: 5 samples of 2000 bytes after the window's first sample.
  assert.equal(m.bytesPerSecond(), 2000);
  assert.equal(m.etaSeconds(10_000), 5);
  assert.equal(m.etaSeconds(0), 0);
});
