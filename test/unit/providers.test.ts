/** Provider choice: 'auto' never prefers a software WebGPU adapter over the CPU provider. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ProviderStatus } from '../../main/contract';
import { listGpuDevices } from '../../main/engine/gpu-devices';
import { choose } from '../../main/engine/providers';

function pciTree(devices: Array<{ cls: string; vendor: string; device: string }>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'glimmer-pci-'));
  devices.forEach((d, i) => {
    const dir = path.join(root, `0000:00:0${i}.0`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'class'), `${d.cls}\n`);
    writeFileSync(path.join(dir, 'vendor'), `${d.vendor}\n`);
    writeFileSync(path.join(dir, 'device'), `${d.device}\n`);
  });
  return root;
}

test('display-class PCI devices are the GPUs; a VM without one has none; other systems do not tell', () => {
  const vm = pciTree([
    { cls: '0x060000', vendor: '0x8086', device: '0x1237' },
    { cls: '0x020000', vendor: '0x1af4', device: '0x1000' },
  ]);
  const gpu = pciTree([
    { cls: '0x060000', vendor: '0x8086', device: '0x1237' },
    { cls: '0x030200', vendor: '0x10de', device: '0x2335' },
  ]);
  try {
    assert.deepEqual(listGpuDevices(vm, 'linux'), []);
    assert.deepEqual(listGpuDevices(gpu, 'linux'), [{ vendor: 'NVIDIA', vendorId: '0x10de', deviceId: '0x2335' }]);
    assert.equal(listGpuDevices(gpu, 'darwin'), null);
    assert.equal(listGpuDevices(path.join(vm, 'missing'), 'linux'), null);
  } finally {
    rmSync(vm, { recursive: true, force: true });
    rmSync(gpu, { recursive: true, force: true });
  }
});

const status = (name: ProviderStatus['name'], extra: Partial<ProviderStatus> = {}): ProviderStatus => ({ name, bundled: true, available: true, reason: 'a test session ran', ...extra });

test("auto skips a software WebGPU adapter and says so; a forced one is honoured", () => {
  const providers = [status('webgpu', { software: true }), status('cpu')];
  const auto = choose(providers);
  assert.equal(auto.chosen, 'cpu');
  assert.match(auto.chosenReason, /webgpu: a software renderer/);
  assert.equal(choose(providers, 'webgpu').chosen, 'webgpu');
  assert.equal(choose([status('webgpu'), status('cpu')]).chosen, 'webgpu');
});
