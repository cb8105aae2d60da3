/**
 * Provider choice: 'auto' never prefers a software WebGPU adapter over the CPU provider; the adapter
 * is named from what the system says about its GPUs (PCI bus and pci.ids on Linux, system_profiler on
 * macOS, Win32_VideoController on Windows: the latter two parsed from outputs of those commands).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ProviderStatus } from '../../main/contract';
import { adapterLabel, describeAdapters, listGpuDevices, macAdapters, pciNames, splitChipName, windowsAdapters } from '../../main/engine/gpu-devices';
import { choose } from '../../main/engine/providers';

function pciTree(devices: Array<{ cls: string; vendor: string; device: string; driver?: string }>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'glimmer-pci-'));
  devices.forEach((d, i) => {
    const dir = path.join(root, `0000:00:0${i}.0`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'class'), `${d.cls}\n`);
    writeFileSync(path.join(dir, 'vendor'), `${d.vendor}\n`);
    writeFileSync(path.join(dir, 'device'), `${d.device}\n`);
    if (d.driver) {
      const drv = path.join(root, 'drivers', d.driver);
      mkdirSync(drv, { recursive: true });
      symlinkSync(drv, path.join(dir, 'driver'));
    }
  });
  return root;
}

test('Linux: a GPU is named by vendor, ids and driver; no GPU, or only a VM / server display adapter, is lavapipe', async () => {
  const gpu = pciTree([{ cls: '0x030000', vendor: '0x1002', device: '0x744c', driver: 'amdgpu' }]);
  const vm = pciTree([{ cls: '0x030000', vendor: '0x1234', device: '0x1111' }]);
  const none = pciTree([{ cls: '0x060000', vendor: '0x8086', device: '0x1237' }]);
  try {
    const [amd] = (await describeAdapters('linux', gpu))!;
    assert.equal(amd!.vendor, 'AMD');
    assert.equal(amd!.driver, 'amdgpu');
    assert.equal(amd!.ids, '1002:744c');
    assert.equal(amd!.software, false);
    for (const root of [vm, none]) {
      const [a, ...rest] = (await describeAdapters('linux', root))!;
      assert.deepEqual(rest, []);
      assert.equal(a!.software, true);
      assert.match(adapterLabel(a!), /lavapipe.*software/);
    }
    assert.match((await describeAdapters('linux', vm))![0]!.note!, /QEMU/);
  } finally {
    for (const r of [gpu, vm, none]) rmSync(r, { recursive: true, force: true });
  }
});

test('pci.ids names: vendor and device lines, the chip before the product in brackets', () => {
  const ids = ['# comment', '1002  Advanced Micro Devices, Inc. [AMD/ATI]', '\t7448  Navi 31 [Radeon Pro W7900]', '\t744c  Navi 31 [Radeon RX 7900 XT/7900 XTX]', '\t\t1002 0e3b  Radeon RX 7900 GRE', '10de  NVIDIA Corporation', '\t2684  AD102 [GeForce RTX 4090]', ''].join('\n');
  assert.deepEqual(pciNames(ids, '0x1002', '0x744c'), { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', device: 'Navi 31 [Radeon RX 7900 XT/7900 XTX]' });
  assert.deepEqual(pciNames(ids, '0x10de', '0x2684').device, 'AD102 [GeForce RTX 4090]');
  assert.deepEqual(pciNames(ids, '0x10de', '0x9999'), { vendor: 'NVIDIA Corporation' });
  assert.deepEqual(splitChipName('AD102 [GeForce RTX 4090]'), { name: 'GeForce RTX 4090', architecture: 'AD102' });
  assert.deepEqual(splitChipName('Radeon 780M'), { name: 'Radeon 780M' });
});

test('macOS and Windows: the GPU lists their system commands print', () => {
  const mac = JSON.stringify({ SPDisplaysDataType: [{ _name: 'Apple M2 Pro', sppci_model: 'Apple M2 Pro', spdisplays_vendor: 'sppci_vendor_Apple', spdisplays_mtlgpufamilysupport: 'spdisplays_metal3' }] });
  assert.deepEqual(macAdapters(mac), [{ vendor: 'Apple', name: 'Apple M2 Pro', architecture: 'Metal 3', software: false }]);
  const win = JSON.stringify([
    { Name: 'NVIDIA GeForce RTX 3080', AdapterCompatibility: 'NVIDIA', DriverVersion: '31.0.15.5222' },
    { Name: 'Microsoft Basic Render Driver', AdapterCompatibility: '(Standard display types)', DriverVersion: '10.0.22621.1' },
  ]);
  const [nv, warp] = windowsAdapters(win);
  assert.deepEqual(nv, { vendor: 'NVIDIA', name: 'NVIDIA GeForce RTX 3080', driver: '31.0.15.5222', software: false });
  assert.equal(warp!.software, true);
  assert.equal(windowsAdapters(JSON.stringify({ Name: 'Intel(R) Arc(TM) A770 Graphics', AdapterCompatibility: 'Intel Corporation' })).length, 1);
});

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

test('the chosen reason names the device it runs on', () => {
  const c = choose([status('webgpu', { adapter: 'NVIDIA GeForce RTX 4090 (AD102, driver nvidia)' }), status('cpu')]);
  assert.equal(c.chosen, 'webgpu');
  assert.match(c.chosenReason, /webgpu on NVIDIA GeForce RTX 4090/);
});
