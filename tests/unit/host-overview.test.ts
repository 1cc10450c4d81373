import { describe, expect, it } from 'vitest';
import {
  collectHostOverview,
  parseCapabilitiesHost,
  parseSecLabels,
  versionString,
  type HostClientPort,
} from '../../electron/host/overview.js';

const CAPS = `<capabilities>
  <host>
    <uuid>ffedb878-cbdd-4376-ad12-a22e93033eb3</uuid>
    <cpu>
      <arch>x86_64</arch>
      <model>EPYC-Rome</model>
      <vendor>AMD</vendor>
      <topology sockets='2' dies='1' cores='4' threads='2'/>
      <feature name='svm'/>
    </cpu>
    <topology>
      <cells num='2'>
        <cell id='0'>
          <memory unit='KiB'>1048576</memory>
          <cpus num='2'><cpu id='0' socket_id='0'/><cpu id='1' socket_id='0'/></cpus>
        </cell>
        <cell id='1'>
          <memory unit='KiB'>2097152</memory>
          <cpus num='2'><cpu id='2'/><cpu id='3'/></cpus>
        </cell>
      </cells>
    </topology>
    <secmodel>
      <model>selinux</model>
      <doi>0</doi>
      <baselabel type='kvm'>system_u:system_r:svirt_t:s0</baselabel>
    </secmodel>
    <secmodel>
      <model>dac</model>
      <doi>0</doi>
      <baselabel type='kvm'>+107:+107</baselabel>
    </secmodel>
  </host>
  <guest><os_type>hvm</os_type><arch name='x86_64'><domain type='qemu'/></arch></guest>
</capabilities>`;

const DOMXML = `<domain type='kvm' id='3'>
  <name>web</name>
  <devices/>
  <seclabel type='dynamic' model='selinux' relabel='yes'>
    <label>system_u:system_r:svirt_t:s0:c12,c345</label>
    <imagelabel>system_u:object_r:svirt_image_t:s0:c12,c345</imagelabel>
  </seclabel>
  <seclabel type='dynamic' model='dac' relabel='yes'>
    <label>+107:+107</label>
    <imagelabel>+107:+107</imagelabel>
  </seclabel>
</domain>`;

describe('host overview', () => {
  it('parses CPU, NUMA cells and security models from the capabilities', () => {
    const c = parseCapabilitiesHost(CAPS);
    expect(c.cpu).toEqual({
      model: 'EPYC-Rome',
      vendor: 'AMD',
      arch: 'x86_64',
      sockets: 2,
      dies: 1,
      cores: 4,
      threads: 2,
    });
    expect(c.cells).toEqual([
      { id: 0, memory: 1048576 * 1024, cpus: [0, 1] },
      { id: 1, memory: 2097152 * 1024, cpus: [2, 3] },
    ]);
    expect(c.secmodels.map((s) => s.model)).toEqual(['selinux', 'dac']);
    expect(c.secmodels[0]!.baseLabels).toEqual(['kvm: system_u:system_r:svirt_t:s0']);
  });

  it('parses the live <seclabel>s of a domain', () => {
    expect(parseSecLabels(DOMXML)).toEqual([
      {
        model: 'selinux',
        type: 'dynamic',
        label: 'system_u:system_r:svirt_t:s0:c12,c345',
        imageLabel: 'system_u:object_r:svirt_image_t:s0:c12,c345',
        relabel: true,
      },
      { model: 'dac', type: 'dynamic', label: '+107:+107', imageLabel: '+107:+107', relabel: true },
    ]);
    expect(parseSecLabels("<domain type='qemu'><name>x</name></domain>")).toEqual([]);
  });

  it('formats libvirt version numbers', () => {
    expect(versionString(9000000)).toBe('9.0.0');
    expect(versionString(7002022)).toBe('7.2.22');
    expect(versionString(0)).toBeNull();
  });

  it('collects everything and keeps going when a call is unsupported', async () => {
    const dom = { name: 'web', uuid: '11111111-2222-3333-4444-555555555555', id: 3 };
    const fake: HostClientPort = {
      connectGetHostname: async () => 'h1',
      connectGetType: async () => 'QEMU',
      connectGetVersion: async () => 8002000,
      connectGetLibVersion: async () => 9000000,
      connectGetCapabilities: async () => CAPS,
      nodeGetInfo: async () => ({
        model: 'x86_64',
        memory: 3145728,
        cpus: 4,
        mhz: 2000,
        nodes: 2,
        sockets: 2,
        cores: 1,
        threads: 1,
      }),
      nodeGetMemoryStats: async () => {
        throw new Error('this function is not supported by the connection driver: virNodeGetMemoryStats');
      },
      nodeGetMemoryParameters: async () => [
        { field: 'shm_pages_shared', type: 'ullong', value: 10 },
        { field: 'shm_run', type: 'uint', value: 1 },
      ],
      nodeGetCellsFreeMemory: async (start = 0, max = 1) =>
        [512 * 1024 * 1024, 1024 * 1024 * 1024].slice(start, start + max),
      nodeGetSecurityModel: async () => ({ model: 'selinux', doi: '0' }),
      connectListAllDomains: async () => [dom],
      domainGetXMLDesc: async () => DOMXML,
    };
    const o = await collectHostOverview(fake, { uri: 'qemu:///system', cpuPercent: 12.5 });
    expect(o.hostname).toBe('h1');
    expect(o.libvirtVersion).toBe('9.0.0');
    expect(o.hypervisor).toEqual({ type: 'QEMU', version: '8.2.0' });
    expect(o.cpu.model).toBe('EPYC-Rome');
    expect(o.cpu.cpus).toBe(4);
    expect(o.memory.total).toBe(3145728 * 1024); // from nodeGetInfo when memory stats are unsupported
    expect(o.memory.used).toBeNull();
    expect(o.numa.map((c) => c.free)).toEqual([512 * 1024 * 1024, 1024 * 1024 * 1024]);
    expect(o.ksm).toEqual({
      params: [
        { field: 'shm_pages_shared', value: 10 },
        { field: 'shm_run', value: 1 },
      ],
      error: null,
    });
    expect(o.security.model).toBe('selinux');
    expect(o.security.svirt).toBe(true);
    expect(o.labels).toHaveLength(1);
    expect(o.labels[0]!.labels[0]!.model).toBe('selinux');
    expect(o.cpuPercent).toBe(12.5);
  });
});
