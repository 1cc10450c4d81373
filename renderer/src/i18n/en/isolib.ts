/** The ISO library (Storage page section, New VM dialog) and the in-place ISO upload. */
export default {
  'isolib.title': 'ISO images',
  'isolib.failed': 'Could not list the ISO images of this connection’s pools.',
  'isolib.none': 'No ISO image in a running pool.',
  'isolib.col.name': 'Image',
  'isolib.col.os': 'Operating system',
  'isolib.col.pool': 'Pool',
  'isolib.col.size': 'Size',
  'isolib.osByName': '{os} (by its name)',
  'isolib.osUnknown': 'Unknown',
  'isolib.osUnknownLabel': 'Unknown (label “{label}”)',
  'isolib.detectedBy.format': 'ISO by libvirt’s format (content not readable over this connection)',
  'isolib.detectedBy.name': 'ISO by its name (content not readable over this connection)',
  'newvm.isoLibrary': 'Or pick from the ISO library',
  'newvm.isoLibraryNone': '{count} ISO images in this host’s pools…',
  'newvm.isoLibraryEntry': '{name} — {os} · {size} · pool {pool}',
};
