/**
 * The readiness service classifies what the daemon answers to "domain capabilities for kvm": a driver
 * that has no such call (VIR_ERR_NO_SUPPORT / VIR_ERR_OPERATION_UNSUPPORTED, as test:// answers) makes
 * the KVM item "not applicable"; a QEMU driver that refuses kvm keeps it a failure. The probe is a fake
 * answering with libvirt's own error shapes; the host facts are this machine's.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionDirectory } from '../../electron/base/connections.js';
import { HostService, type ProbeClient } from '../../electron/host/service.js';
import {
  LibvirtError,
  VIR_ERR_INVALID_ARG,
  VIR_ERR_NO_SUPPORT,
  VIR_ERR_OPERATION_UNSUPPORTED,
} from '../../electron/libvirt/index.js';

const TEST_CAPS =
  "<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch name='x86_64'>" +
  "<domain type='test'/></arch></guest></capabilities>";

/** A probe whose domain-capabilities call fails with `code`/`message`; capabilities list `caps`. */
const probe =
  (code: number, message: string, caps = TEST_CAPS) =>
  async (): Promise<ProbeClient> => ({
    connectGetDomainCapabilities: () =>
      Promise.reject(new LibvirtError(message, { code, domain: 0, level: 2 })),
    connectGetCapabilities: () => Promise.resolve(caps),
    connectGetHostname: () => Promise.resolve('probe-host'),
    close: () => Promise.resolve(),
  });

const kvmItem = async (openProbe: () => Promise<ProbeClient>, uri: string) => {
  const service = new HostService({
    connections: {} as ConnectionDirectory, // a URI check never looks up a saved connection
    hostCpuPercent: () => null,
    openProbe,
  });
  const report = await service.readiness({ uri });
  return report.items.find((i) => i.id === 'kvm-domcaps')!;
};

describe('readiness service: domain capabilities the driver does not have', () => {
  it('VIR_ERR_NO_SUPPORT (the test driver) → not applicable, libvirt text as detail', async () => {
    const msg = 'this function is not supported by the connection driver: virConnectGetDomainCapabilities';
    const item = await kvmItem(probe(VIR_ERR_NO_SUPPORT, msg), 'test:///default');
    expect(item).toMatchObject({ status: 'skip', reason: 'not-applicable', detail: msg, fix: null });
  });

  it('VIR_ERR_OPERATION_UNSUPPORTED → not applicable too', async () => {
    const item = await kvmItem(probe(VIR_ERR_OPERATION_UNSUPPORTED, 'Operation not supported'), 'lxc:///');
    expect(item).toMatchObject({ status: 'skip', reason: 'not-applicable' });
  });

  it('unsupported call but the capabilities list a kvm guest → offered', async () => {
    const kvmCaps = TEST_CAPS.replace("type='test'", "type='kvm'");
    const item = await kvmItem(probe(VIR_ERR_NO_SUPPORT, 'no', kvmCaps), 'qemu:///system');
    expect(item).toMatchObject({ status: 'pass', reason: 'offered' });
  });

  it('a QEMU driver refusing kvm (VIR_ERR_INVALID_ARG) stays a failure', async () => {
    const msg = "invalid argument: KVM is not supported by '/usr/bin/qemu-system-x86_64' on this host";
    const item = await kvmItem(probe(VIR_ERR_INVALID_ARG, msg), 'qemu:///system');
    expect(item.status).toBe('fail');
    expect(item.detail).toBe(msg);
  });
});
