/** Changing a network's DHCP range (Networks page). */
export default {
  'netrange.title': 'DHCP range',
  'netrange.titleFamily': 'DHCP range ({family})',
  'netrange.hint': 'Changed on the running network and in its definition.',
  'netrange.hintStopped': 'Changed in the definition; the network uses it when it starts.',
  'netrange.label': 'DHCP range {start} to {end}',
  'netrange.start': 'First address',
  'netrange.end': 'Last address',
  'netrange.apply': 'Apply',
  'netrange.done': 'The DHCP range of {network} is now {start} to {end}',
  'netrange.failed': 'Could not change the DHCP range.',
};
