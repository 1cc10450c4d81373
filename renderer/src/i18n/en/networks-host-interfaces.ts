export default {
  'networks.hostIfaces.title': 'Interfaces and bridges of the host',
  'networks.hostIfaces.none': 'libvirt lists no interfaces on this host.',
  'networks.hostIfaces.up': 'up',
  'networks.hostIfaces.down': 'down',
};
