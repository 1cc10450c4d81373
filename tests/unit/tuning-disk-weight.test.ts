/**
 * Whether the host's I/O scheduler takes disk weights, read from a cgroup tree laid out as the kernel
 * does (made in a temporary directory): cgroup v1's blkio controller and v2's io controller.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDiskWeightFile } from '../../electron/tuning/host-realtime.js';

let root = '';
const tree = (files: Record<string, string>): string => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-cgroup-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
};
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('disk weights on this host', () => {
  it('cgroup v1: a weight file in the VMs’ blkio cgroup (BFQ or CFQ) says yes, throttle files alone say no', () => {
    expect(readDiskWeightFile(tree({ 'blkio/machine/blkio.throttle.read_bps_device': '' }))).toBe(false);
    expect(readDiskWeightFile(tree({ 'blkio/machine/blkio.bfq.weight': 'default 100\n' }))).toBe(true);
    expect(readDiskWeightFile(tree({ 'blkio/blkio.weight': '500\n' }))).toBe(true);
  });

  it('cgroup v2: io.weight or io.bfq.weight below the root where the io controller is on', () => {
    const v2 = (slice: Record<string, string>) => tree({ 'cgroup.controllers': 'cpu io memory\n', ...slice });
    expect(
      readDiskWeightFile(
        v2({
          'machine.slice/cgroup.controllers': 'cpu io memory\n',
          'machine.slice/io.weight': 'default 100\n',
        }),
      ),
    ).toBe(true);
    expect(
      readDiskWeightFile(
        v2({ 'machine.slice/cgroup.controllers': 'cpu io memory\n', 'machine.slice/io.max': '' }),
      ),
    ).toBe(false);
    // The io controller not given to the VMs' slice, or no slice yet: cannot tell.
    expect(readDiskWeightFile(v2({ 'machine.slice/cgroup.controllers': 'cpu memory\n' }))).toBeNull();
    expect(readDiskWeightFile(v2({}))).toBeNull();
  });

  it('no block I/O controller at all: cannot tell', () => {
    expect(readDiskWeightFile(tree({ 'cpu/cpu.shares': '1024\n' }))).toBeNull();
  });
});
