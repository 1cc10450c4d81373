/** The checks of a guest NUMA change before libvirt: vCPUs, memory, host nodes, page sizes, free pages. */
import { describe, expect, it } from 'vitest';
import { DomainXml, readDomainTuning } from '../../electron/libvirt-xml/index.js';
import type { HugepagePool } from '../../shared/contract/host-memory.js';
import { checkTuningChange } from '../../shared/contract/tuning-checks.js';
import type { HostCell, TuningChange } from '../../shared/contract/tuning.js';
import { spreadEvenly } from '../../renderer/src/features/tuning/guestNumaRows.js';

const view = (extra = '') =>
  readDomainTuning(
    DomainXml.parse(
      `<domain type='kvm'><name>t</name><memory unit='MiB'>512</memory><vcpu>4</vcpu>${extra}</domain>`,
    ),
  );

const host = (id: number): HostCell => ({
  id,
  memoryKiB: null,
  pages: [
    { sizeKiB: 4, count: 1000 },
    { sizeKiB: 2048, count: 64 },
  ],
  cpus: [id * 2, id * 2 + 1].map((c) => ({
    id: c,
    socket: id,
    die: 0,
    core: c,
    siblings: [c],
    online: true,
  })),
});
const cells = [host(0), host(1)];
const pools: HugepagePool[] = [
  { cell: 0, sizeKiB: 2048, total: 64, free: 40 },
  { cell: 1, sizeKiB: 2048, total: 512, free: 300 },
  { cell: 0, sizeKiB: 1048576, total: 0, free: 0 },
  { cell: 1, sizeKiB: 1048576, total: 0, free: 0 },
];

type Change = Extract<TuningChange, { kind: 'guest-numa' }>;
const cell = (
  id: number,
  cpus: number[],
  mib: number,
  nodes: number[] | null = null,
): Change['cells'][0] => ({
  id,
  cpus,
  memoryKiB: mib * 1024,
  hostNodes: nodes && { mode: 'strict', nodeset: nodes },
});
const change = (c: Change['cells'], hugepages: Change['hugepages'] = null): Change => ({
  kind: 'guest-numa',
  cells: c,
  hugepages,
});
const ctx = { cells, config: view(), running: false, pools, live: null };
const messages = (c: Change, context: Parameters<typeof checkTuningChange>[1] = ctx) =>
  checkTuningChange(c, context).map((i) => i.message);

describe('guest NUMA checks', () => {
  it('accepts two cells covering every vCPU, and no cells (removing the topology)', () => {
    expect(messages(change([cell(0, [0, 1], 256), cell(1, [2, 3], 256)]))).toEqual([]);
    expect(messages(change([]))).toEqual([]);
  });

  it('names the vCPUs in no cell, in two cells or beyond the VM’s count', () => {
    expect(messages(change([cell(0, [0], 256), cell(1, [2], 256)]))).toEqual([
      'vCPU 1, 3 are in no cell; every vCPU (0–3) must be in one.',
    ]);
    const dup = checkTuningChange(change([cell(0, [0, 1, 2], 256), cell(1, [2, 3], 256)]), ctx);
    expect(dup).toEqual([
      { path: ['cells', 1, 'cpus'], message: 'vCPU 2 is in cells 0 and 1; a vCPU belongs to one cell only.' },
    ]);
    expect(messages(change([cell(0, [0, 1, 2, 3, 7], 256)]))).toEqual([
      'This VM has 4 vCPUs (0–3); there is no vCPU 7.',
    ]);
  });

  it('refuses cells out of order, without memory, or bound to nodes the host lacks', () => {
    expect(messages(change([cell(1, [0, 1, 2, 3], 256)]))).toEqual(['Number the cells 0 to 0, in order.']);
    expect(messages(change([cell(0, [0, 1, 2, 3], 0)]))).toEqual(['Give cell 0 some memory.']);
    expect(messages(change([cell(0, [0, 1, 2, 3], 256, [3])]))).toEqual([
      'This host has no NUMA node 3 (its nodes are 0–1).',
    ]);
    expect(messages(change([cell(0, [0, 1, 2, 3], 256, [])]))).toEqual([
      'Choose at least one host node for cell 0.',
    ]);
  });

  it('wants a page size the host offers and cell memory in whole pages', () => {
    expect(messages(change([cell(0, [0, 1, 2, 3], 256)], [{ sizeKiB: 4096, cells: null }]))).toEqual([
      'This host has no 4 MiB huge pages (its sizes: 2 MiB, 1 GiB).',
    ]);
    expect(
      messages(
        change(
          [cell(0, [0, 1], 255), cell(1, [2, 3], 512)],
          [
            { sizeKiB: 2048, cells: null },
            { sizeKiB: 1048576, cells: [1] },
          ],
        ),
      ),
    ).toEqual([
      "Cell 0's memory (255 MiB) is not a whole number of 2 MiB pages; make it a multiple of 2 MiB.",
      "Cell 1's memory (512 MiB) is not a whole number of 1 GiB pages; make it a multiple of 1 GiB.",
    ]);
    expect(messages(change([cell(0, [0, 1, 2, 3], 256)], [{ sizeKiB: 2048, cells: [4] }]))).toEqual([
      'The VM has no guest cell 4.',
    ]);
  });

  it('too few free pages on the bound node: the figures; enough on another node passes', () => {
    const two = [cell(0, [0, 1], 512, [0]), cell(1, [2, 3], 256, [1])];
    const issues = checkTuningChange(change(two, [{ sizeKiB: 2048, cells: null }]), ctx);
    expect(issues).toEqual([
      {
        path: ['hugepages'],
        message:
          "Too few free huge pages: the VM needs 256 pages of 2 MiB on node 0; node 0 has 40 free. Reserve more on the host's memory page, choose another size or bind the cells to other nodes.",
      },
    ]);
    const onOne = [cell(0, [0, 1], 256, [1]), cell(1, [2, 3], 256, [1])];
    expect(messages(change(onOne, [{ sizeKiB: 2048, cells: null }]))).toEqual([]);
    // Unbound cells may take pages from any node (or from the VM's <numatune> nodes).
    expect(messages(change([cell(0, [0, 1, 2, 3], 640)], [{ sizeKiB: 2048, cells: null }]))).toEqual([]);
    expect(messages(change([cell(0, [0, 1, 2, 3], 800)], [{ sizeKiB: 2048, cells: null }]))).toEqual([
      "Too few free huge pages: the VM needs 400 pages of 2 MiB on nodes 0–1; they have 340 free. Reserve more on the host's memory page, choose another size or bind the cells to other nodes.",
    ]);
    const boundVm = { ...ctx, config: view(`<numatune><memory mode='strict' nodeset='0'/></numatune>`) };
    expect(messages(change([cell(0, [0, 1, 2, 3], 100)], [{ sizeKiB: 2048, cells: null }]), boundVm)).toEqual(
      [
        "Too few free huge pages: the VM needs 50 pages of 2 MiB on node 0; node 0 has 40 free. Reserve more on the host's memory page, choose another size or bind the cells to other nodes.",
      ],
    );
  });

  it('one cell on normal pages takes no huge pages (libvirt allows the base size per cell)', () => {
    const two = [cell(0, [0, 1], 64, [0]), cell(1, [2, 3], 512, [0])];
    const hp = [
      { sizeKiB: 2048, cells: null },
      { sizeKiB: 4, cells: [1] },
    ];
    expect(messages(change(two, hp))).toEqual([]);
    expect(messages(change(two, [{ sizeKiB: 4, cells: null }]))[0]).toBe(
      'This host has no 4 KiB huge pages (its sizes: 2 MiB, 1 GiB).',
    );
  });

  it('a running VM’s own pages of that size count: they come back when it restarts', () => {
    const live = view(
      `<memoryBacking><hugepages><page size='2' unit='M'/></hugepages></memoryBacking><numatune><memory mode='strict' nodeset='0'/></numatune>`,
    );
    const c = change([cell(0, [0, 1, 2, 3], 512, [0])], [{ sizeKiB: 2048, cells: null }]);
    expect(messages(c, { ...ctx, running: true, live })).toEqual([]);
    expect(messages(c, { ...ctx, running: true, live: view() })[0]).toMatch(
      /needs 256 pages of 2 MiB on node 0; node 0 has 40 free/,
    );
  });

  it('free pages libvirt could not count are not guessed at', () => {
    const unknown = pools.map((p) => ({ ...p, free: null }));
    const c = change([cell(0, [0, 1, 2, 3], 512, [0])], [{ sizeKiB: 2048, cells: null }]);
    expect(messages(c, { ...ctx, pools: unknown })).toEqual([]);
  });
});

describe('spreading a VM evenly over guest cells', () => {
  it('shares vCPUs and memory (in whole pages), the first cells taking the rest; one host node each when there are enough', () => {
    expect(spreadEvenly(2, 4, 1048576, [0, 1], 2048)).toEqual([
      { cpus: '0–1', memMiB: '512', nodes: '0', page: '' },
      { cpus: '2–3', memMiB: '512', nodes: '1', page: '' },
    ]);
    expect(spreadEvenly(3, 4, 100 * 1024, [0], 2048)).toEqual([
      { cpus: '0–1', memMiB: '34', nodes: '', page: '' },
      { cpus: '2', memMiB: '34', nodes: '', page: '' },
      { cpus: '3', memMiB: '32', nodes: '', page: '' },
    ]);
  });
});
