/**
 * The GPUs this machine has, as the operating system lists them, so a WebGPU adapter can be told
 * apart from a software renderer (Mesa's lavapipe/llvmpipe, SwiftShader, Microsoft's WARP), which
 * onnxruntime-node's WebGPU provider accepts without saying so. On Linux the PCI bus is read
 * (display controllers: PCI class 0x03xxxx); on other systems nothing is known here (null).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface GpuDevice {
  vendor: string;
  vendorId: string;
  deviceId: string;
}

const VENDORS: Record<string, string> = {
  '0x10de': 'NVIDIA',
  '0x1002': 'AMD',
  '0x1022': 'AMD',
  '0x8086': 'Intel',
  '0x13b5': 'Arm',
  '0x5143': 'Qualcomm',
  '0x106b': 'Apple',
  '0x1af4': 'virtio',
  '0x1234': 'QEMU',
  '0x15ad': 'VMware',
};

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Display-class PCI devices on Linux; null where the system does not tell (or not Linux). */
export function listGpuDevices(root = '/sys/bus/pci/devices', platform: NodeJS.Platform = process.platform): GpuDevice[] | null {
  if (platform !== 'linux') return null;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return null;
  }
  const out: GpuDevice[] = [];
  for (const e of entries) {
    const cls = read(path.join(root, e, 'class'));
    if (!cls || !cls.toLowerCase().startsWith('0x03')) continue;
    const vendorId = (read(path.join(root, e, 'vendor')) ?? '').toLowerCase();
    const deviceId = (read(path.join(root, e, 'device')) ?? '').toLowerCase();
    out.push({ vendor: VENDORS[vendorId] ?? `vendor ${vendorId}`, vendorId, deviceId });
  }
  return out;
}
