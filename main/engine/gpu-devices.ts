/**
 * The GPUs this machine has, as the operating system names them, so the WebGPU adapter can be named
 * (onnxruntime-node does not say which adapter Dawn took) and a software renderer told apart (Mesa's
 * lavapipe/llvmpipe, SwiftShader, Microsoft's WARP), which the WebGPU provider accepts without saying
 * so.
 *   Linux    the PCI bus (display controllers, class 0x03xxxx): vendor and device ids, the kernel
 *            driver, and the names from pci.ids where the system has it. No display controller, or
 *            only a virtual / server display adapter with no 3-D engine, means Dawn's adapter is
 *            lavapipe.
 *   macOS    `system_profiler SPDisplaysDataType -json` (model, vendor, Metal family).
 *   Windows  `Get-CimInstance Win32_VideoController` (name, vendor, driver version); the Basic
 *            Render Driver is WARP.
 * Elsewhere, or when the system does not answer, nothing is known (null).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { AdapterInfo } from '../contract';

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
  '0x1013': 'Cirrus Logic',
  '0x1a03': 'ASPEED',
  '0x102b': 'Matrox',
  '0x1414': 'Microsoft',
};

/** Display adapters of virtual machines and server boards: a framebuffer, no 3-D engine Vulkan could use. */
const NO_3D_ENGINE = new Set(['0x1af4', '0x1234', '0x15ad', '0x1013', '0x1a03', '0x102b', '0x1414']);

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Display-class PCI devices on Linux; null where the system does not tell (or not Linux). */
export function listGpuDevices(root = '/sys/bus/pci/devices', platform: NodeJS.Platform = process.platform): GpuDevice[] | null {
  return listPciDisplays(root, platform)?.map(({ vendor, vendorId, deviceId }) => ({ vendor, vendorId, deviceId })) ?? null;
}

interface PciDisplay extends GpuDevice {
  driver?: string;
}

function listPciDisplays(root: string, platform: NodeJS.Platform): PciDisplay[] | null {
  if (platform !== 'linux') return null;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return null;
  }
  const out: PciDisplay[] = [];
  for (const e of entries) {
    const cls = read(path.join(root, e, 'class'));
    if (!cls || !cls.toLowerCase().startsWith('0x03')) continue;
    const vendorId = (read(path.join(root, e, 'vendor')) ?? '').toLowerCase();
    const deviceId = (read(path.join(root, e, 'device')) ?? '').toLowerCase();
    let driver: string | undefined;
    try {
      driver = path.basename(readlinkSync(path.join(root, e, 'driver')));
    } catch {
      driver = undefined;
    }
    out.push({ vendor: VENDORS[vendorId] ?? `vendor ${vendorId}`, vendorId, deviceId, ...(driver ? { driver } : {}) });
  }
  return out;
}

/**
 * Vendor and device names from a pci.ids file (pciutils / hwdata): `vvvv  Vendor` lines, then
 * `\tdddd  Device` lines under their vendor.
 */
export function pciNames(text: string, vendorId: string, deviceId: string): { vendor?: string; device?: string } {
  const v = vendorId.replace(/^0x/, '').toLowerCase();
  const d = deviceId.replace(/^0x/, '').toLowerCase();
  let inVendor = false;
  let vendor: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    if (!line.startsWith('\t')) {
      if (inVendor) break;
      if (line.slice(0, 4).toLowerCase() === v) {
        inVendor = true;
        vendor = line.slice(4).trim();
      }
      continue;
    }
    if (inVendor && !line.startsWith('\t\t') && line.slice(1, 5).toLowerCase() === d) return { vendor, device: line.slice(5).trim() };
  }
  return { vendor };
}

/** "AD102 [GeForce RTX 4090]" → architecture AD102, name GeForce RTX 4090 (pci.ids' chip [product] form). */
export function splitChipName(device: string): { name: string; architecture?: string } {
  const m = /^(.*?)\s*\[(.+)\]\s*$/.exec(device);
  return m && m[1] ? { name: m[2]!, architecture: m[1] } : { name: device };
}

const PCI_IDS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids', '/usr/share/pci.ids', '/usr/local/share/pci.ids'];

function linuxAdapters(root: string): AdapterInfo[] | null {
  const displays = listPciDisplays(root, 'linux');
  if (displays === null) return null;
  const real = displays.filter((d) => !NO_3D_ENGINE.has(d.vendorId));
  if (real.length === 0) {
    const what = displays.length === 0 ? 'no GPU on the PCI bus' : `only a display adapter without a 3-D engine (${displays.map((d) => d.vendor).join(', ')})`;
    return [{ vendor: 'Mesa', name: 'lavapipe (Vulkan on the CPU)', software: true, note: what }];
  }
  const ids = PCI_IDS.map(read).find((t) => t !== null) ?? null;
  return real.map((d) => {
    const names = ids ? pciNames(ids, d.vendorId, d.deviceId) : {};
    const chip = names.device ? splitChipName(names.device) : null;
    return {
      vendor: d.vendor,
      ...(chip ? { name: chip.name } : {}),
      ...(chip?.architecture ? { architecture: chip.architecture } : {}),
      ...(d.driver ? { driver: d.driver } : {}),
      ids: `${d.vendorId.replace(/^0x/, '')}:${d.deviceId.replace(/^0x/, '')}`,
      software: false,
    };
  });
}

/** The GPUs of `system_profiler SPDisplaysDataType -json` (macOS). */
export function macAdapters(json: string): AdapterInfo[] {
  const parsed = JSON.parse(json) as { SPDisplaysDataType?: Array<Record<string, string>> };
  return (parsed.SPDisplaysDataType ?? []).map((g) => {
    const vendor = (g.spdisplays_vendor ?? '').replace(/^sppci_vendor_/, '').replace(/\s*\(0x[0-9a-f]+\)$/i, '') || 'unknown';
    const metal = (g.spdisplays_mtlgpufamilysupport ?? '').replace(/^spdisplays_metal/, 'Metal ');
    return { vendor, name: g.sppci_model ?? g._name ?? 'GPU', ...(metal ? { architecture: metal } : {}), software: false };
  });
}

/** The GPUs of `Get-CimInstance Win32_VideoController | ConvertTo-Json` (Windows; one object or a list). */
export function windowsAdapters(json: string): AdapterInfo[] {
  const parsed = JSON.parse(json) as Record<string, string> | Array<Record<string, string>>;
  return (Array.isArray(parsed) ? parsed : [parsed]).map((g) => {
    const name = g.Name ?? 'GPU';
    const software = /Basic Render Driver|Basic Display Adapter|WARP/i.test(name);
    return { vendor: software ? 'Microsoft' : g.AdapterCompatibility || 'unknown', name, ...(g.DriverVersion ? { driver: g.DriverVersion } : {}), software };
  });
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/**
 * What WebGPU can run on here, named as the system names it; null where it cannot be told. Software
 * adapters carry software: true.
 */
export async function describeAdapters(platform: NodeJS.Platform = process.platform, pciRoot = '/sys/bus/pci/devices'): Promise<AdapterInfo[] | null> {
  try {
    if (platform === 'linux') return linuxAdapters(pciRoot);
    if (platform === 'darwin') {
      const out = await run('system_profiler', ['SPDisplaysDataType', '-json']);
      return out ? macAdapters(out) : null;
    }
    if (platform === 'win32') {
      const out = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-CimInstance Win32_VideoController | Select-Object Name,AdapterCompatibility,DriverVersion | ConvertTo-Json']);
      return out ? windowsAdapters(out) : null;
    }
  } catch {
    return null;
  }
  return null;
}

/** One line for a user: "NVIDIA GeForce RTX 4090 (AD102, driver nvidia)", "Mesa lavapipe (Vulkan on the CPU), software". */
export function adapterLabel(a: AdapterInfo): string {
  const detail = [a.architecture, a.driver ? `driver ${a.driver}` : undefined, !a.name && a.ids ? a.ids : undefined].filter(Boolean);
  return `${a.vendor}${a.name ? ` ${a.name}` : ''}${detail.length > 0 ? ` (${detail.join(', ')})` : ''}${a.software ? ', software' : ''}`;
}
