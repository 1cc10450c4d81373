/**
 * Network interfaces: add, remove and link state through libvirt's device calls (live and config in one,
 * see electron/hardware/devices/nics.ts); source and model of an existing NIC at next boot.
 */
import type { NicChange, NicView } from '../../../shared/contract/hardware.js';
import {
  addNicTo,
  findNicElement,
  nicDetails,
  normalizeMac,
  removeNicFrom,
  setNicLinkState,
  setNicOptions,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { addNic, removeNic, setNicLink } from '../devices/nics.js';
import { deviceStep } from '../devices/step.js';
import { pendingItem, type HardwareEditor, type HwIssue } from './types.js';

const readNics = (xml: DomainXml): NicView[] =>
  nicDetails(xml).map((n) => ({
    mac: n.mac,
    type: n.type,
    source: n.source,
    model: n.model,
    target: n.target,
    linkState: n.linkState,
    directMode: n.directMode,
  }));

const where = (n: NicView) => `${n.type}${n.source ? ` ${n.source}` : ''}${n.model ? ` (${n.model})` : ''}`;

export const nicEditor: HardwareEditor<'nic', NicChange> = {
  key: 'nic',
  changeKinds: ['nic.add', 'nic.remove', 'nic.link', 'nic.options'],
  read: readNics,

  pending(config, live) {
    const out = [];
    for (const c of config) {
      const l = live.find((n) => n.mac === c.mac);
      const name = `NIC ${c.mac ?? ''}`.trim();
      if (!l) out.push(pendingItem('nic', 'nicAdded', name, 'absent', 'added'));
      else if (where(c) !== where(l)) out.push(pendingItem('nic', 'nicSource', name, where(l), where(c)));
      else if (c.linkState !== l.linkState)
        out.push(pendingItem('nic', 'nicLink', name, l.linkState, c.linkState));
    }
    for (const l of live)
      if (!config.some((c) => c.mac === l.mac))
        out.push(pendingItem('nic', 'nicRemoved', `NIC ${l.mac ?? ''}`.trim(), 'present', 'removed'));
    return out;
  },

  check(change, { config }) {
    const issues: HwIssue[] = [];
    const mac = change.mac ? normalizeMac(change.mac) : null;
    if (change.mac && !mac)
      issues.push({ path: ['mac'], message: `${change.mac} is not a unicast MAC address.` });
    else if (change.kind === 'nic.add' && mac && findNicElement(config, mac))
      issues.push({ path: ['mac'], message: `This VM already has a network interface ${mac}.` });
    else if (change.kind === 'nic.options' && mac && !findNicElement(config, mac))
      issues.push({ path: ['mac'], message: `The VM's configuration has no network interface ${mac}.` });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'nic.add') {
      addNicTo(xml, {
        source: change.source,
        model: change.model ?? null,
        mac: change.mac ?? null,
        ...(change.linkState ? { linkState: change.linkState } : {}),
      });
      return;
    }
    const mac = normalizeMac(change.mac) ?? change.mac;
    if (!findNicElement(xml, mac)) return; // only in the running VM: nothing for next boot
    if (change.kind === 'nic.remove') removeNicFrom(xml, mac);
    else if (change.kind === 'nic.link') setNicLinkState(xml, mac, change.state);
    else
      setNicOptions(xml, mac, {
        ...(change.source ? { source: change.source } : {}),
        ...(change.model ? { model: change.model } : {}),
      });
  },

  liveStep: () => null,

  deviceStep(change) {
    switch (change.kind) {
      case 'nic.add':
        return deviceStep((client, dom) =>
          addNic(client, dom, {
            source: change.source,
            model: change.model ?? null,
            mac: change.mac ?? null,
            ...(change.linkState ? { linkState: change.linkState } : {}),
          }),
        );
      case 'nic.remove':
        return deviceStep((client, dom) => removeNic(client, dom, change.mac));
      case 'nic.link':
        return deviceStep((client, dom) => setNicLink(client, dom, change.mac, change.state));
      case 'nic.options':
        return null;
    }
  },
};
