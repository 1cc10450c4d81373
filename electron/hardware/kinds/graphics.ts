/**
 * Displays (VNC, SPICE): add, remove, type, listen address and port at next boot (edits of the config);
 * a new password also goes to the running VM through libvirt's update-device (the only display setting
 * QEMU can change while it runs).
 */
import type { GraphicsChange, GraphicsView } from '../../../shared/contract/hardware.js';
import { DomainAffect, DomainXMLFlags } from '../../libvirt/index.js';
import {
  addGraphicsTo,
  DomainXml,
  editGraphics,
  graphicsDetails,
  graphicsPasswordXml,
  removeDeviceAt,
} from '../../libvirt-xml/index.js';
import { listPending, missing, notOffered } from './display-common.js';
import type { HardwareEditor, HwIssue } from './types.js';

const where = (g: GraphicsView) =>
  `${g.type}${g.listen ? ` ${g.listen}` : ''}${g.autoport ? '' : `:${g.port ?? ''}`}`;

export const graphicsEditor: HardwareEditor<'graphics', GraphicsChange> = {
  key: 'graphics',
  changeKinds: ['graphics.add', 'graphics.edit', 'graphics.remove'],
  read: graphicsDetails,
  pending: (config, live) => listPending('graphics', 'Displays', config, live, where),

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    if (change.kind !== 'graphics.add')
      issues.push(...missing(graphicsDetails(config), change.index, 'display'));
    if (change.kind !== 'graphics.remove')
      issues.push(...notOffered(limits.graphicsTypes, change.type, ['type'], 'the display type'));
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'graphics.add') {
      addGraphicsTo(xml, {
        type: change.type,
        listen: change.listen,
        port: change.port,
        password: change.password ?? null,
      });
    } else if (change.kind === 'graphics.remove') {
      removeDeviceAt(xml, 'graphics', change.index);
    } else {
      const { kind: _k, index, ...edit } = change;
      editGraphics(xml, index, edit);
    }
  },

  liveStep(change) {
    // Only a new password, alone: the rest of a display cannot change in a running VM.
    if (change.kind !== 'graphics.edit' || typeof change.password !== 'string') return null;
    if (change.listen !== undefined || change.port !== undefined) return null;
    const { type, password } = change;
    return async (client, dom) => {
      // SECURE: whether the running display has a password at all. QEMU turns password checking on only
      // at a start, so a display that started without one cannot get one now (QEMU would just say
      // "Could not set password"); the words say why.
      const live = DomainXml.parse(await client.domainGetXMLDesc(dom, DomainXMLFlags.SECURE));
      const running = live.graphics.find((g) => g.type === type);
      if (running && running.attrs.passwd === undefined)
        throw new Error(
          `its ${type.toUpperCase()} display started without a password, and QEMU turns password checking on only when the VM starts`,
        );
      await client.domainUpdateDeviceFlags(dom, graphicsPasswordXml(live, type, password), DomainAffect.LIVE);
    };
  },
};
