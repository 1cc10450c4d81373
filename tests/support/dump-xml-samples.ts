/**
 * Regenerates tests/unit/fixtures/libvirt-xml/*.xml from the real daemon: a private session daemon gets a
 * dir pool, a qcow2 volume with a backing store, a NAT network (defined only), a domain with libosinfo
 * and custom metadata, and an internal snapshot of it; their XML is dumped with virsh. The daemon's
 * temporary folder in paths becomes /srv/virtdesk so the samples are stable.
 *
 *   npx tsx tests/support/dump-xml-samples.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { shareWithDaemon, startPrivateDaemon } from './daemon.js';

const out = path.join(import.meta.dirname, '..', 'unit', 'fixtures', 'libvirt-xml');
fs.mkdirSync(out, { recursive: true });
const d = await startPrivateDaemon();
const virsh = (...args: string[]) =>
  execFileSync('virsh', ['-q', '-c', d.qemuUri, ...args], { encoding: 'utf8' });
const file = (name: string, body: string) => {
  const p = path.join(d.scratchDir, name);
  fs.writeFileSync(p, body);
  shareWithDaemon(p);
  return p;
};
const norm = (s: string) => s.split(d.dir).join('/srv/virtdesk');
try {
  const pooldir = path.join(d.scratchDir, 'samples');
  virsh(
    'pool-define',
    file('pool.xml', `<pool type='dir'><name>samples</name><target><path>${pooldir}</path></target></pool>`),
  );
  virsh('pool-build', 'samples');
  virsh('pool-start', 'samples');
  virsh(
    'vol-create',
    'samples',
    file(
      'base.xml',
      `<volume><name>base.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target></volume>`,
    ),
  );
  virsh(
    'vol-create',
    'samples',
    file(
      'ovl.xml',
      `<volume><name>web.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target><backingStore><path>${pooldir}/base.qcow2</path><format type='qcow2'/></backingStore></volume>`,
    ),
  );
  virsh(
    'net-define',
    file(
      'net.xml',
      `<network><name>samplenet</name><forward mode='nat'/><bridge name='vdsample0' stp='on' delay='0'/><domain name='sample.test'/><ip address='192.168.213.1' netmask='255.255.255.0'><dhcp><range start='192.168.213.100' end='192.168.213.199'/><host mac='52:54:00:12:34:56' name='web' ip='192.168.213.10'/></dhcp></ip><ip family='ipv6' address='fd00:213::1' prefix='64'/></network>`,
    ),
  );
  virsh(
    'define',
    file(
      'dom.xml',
      `<domain type='qemu'>
  <name>web</name>
  <title>Web server</title>
  <description>Front end &amp; cache &lt;prod&gt;</description>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo>
    <vd:notes xmlns:vd="urn:virtdesk:test"><vd:owner team="ops">Ana</vd:owner></vd:notes>
  </metadata>
  <memory unit='MiB'>1024</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/><boot dev='cdrom'/></os>
  <features><acpi/><apic/></features>
  <cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>
  <clock offset='utc'/>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${pooldir}/web.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:12:34:56'/><source network='samplenet'/><model type='virtio'/></interface>
    <interface type='user'><mac address='52:54:00:ab:cd:ef'/><model type='e1000e'/></interface>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='virtio'/></video>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
</domain>`,
    ),
  );
  virsh('snapshot-create-as', 'web', 'before-upgrade', 'State before the upgrade');
  fs.writeFileSync(path.join(out, 'domain.xml'), norm(virsh('dumpxml', '--inactive', 'web')));
  fs.writeFileSync(path.join(out, 'pool.xml'), norm(virsh('pool-dumpxml', 'samples')));
  fs.writeFileSync(
    path.join(out, 'volume.xml'),
    norm(virsh('vol-dumpxml', '--pool', 'samples', 'web.qcow2')),
  );
  fs.writeFileSync(path.join(out, 'network.xml'), norm(virsh('net-dumpxml', 'samplenet')));
  fs.writeFileSync(path.join(out, 'snapshot.xml'), norm(virsh('snapshot-dumpxml', 'web', 'before-upgrade')));
  console.log(virsh('version'));
} finally {
  await d.stop();
}
