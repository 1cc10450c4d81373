/** English — what went wrong with a VM, said about the VM, with the next step. */
export default {
  'toast.failed.start': 'Could not start “{name}”.',
  'toast.failed.shutdown': 'Could not ask “{name}” to shut down.',
  'toast.failed.reboot': 'Could not ask “{name}” to reboot.',
  'toast.failed.destroy': 'Could not force “{name}” off.',
  'toast.failed.reset': 'Could not reset “{name}”.',
  'toast.failed.suspend': 'Could not pause “{name}”.',
  'toast.failed.resume': 'Could not resume “{name}”.',
  'toast.failed.managedSave': 'Could not save the state of “{name}”.',
  'toast.failed.restore': 'Could not restore “{name}”.',
  'toast.failed.setAutostart': 'Could not change whether “{name}” starts on boot.',
  'toast.failed.rename': 'Could not rename “{name}”.',
  'toast.failed.delete': 'Could not delete “{name}”.',
  'toast.failed.notConnected': '“{name}”: the connection to its host is down.',
  'toast.failed.invalid': 'Could not change “{name}”: some of the values were not accepted.',
  'toast.openReadiness': 'Open Readiness Check',
  'state.pausedWhy.ioerror': 'Paused — disk error',
  'state.pausedWhy.crashed': 'Paused — guest crashed',
  'state.pausedWhy.watchdog': 'Paused — watchdog',
  'state.pausedWhy.api_error': 'Paused — internal error',
  'state.pausedWhy.postcopy_failed': 'Paused — migration failed',
  'state.shutdownOverdue': 'Running — did not shut down',
  'attention.ioerror':
    'QEMU paused “{name}” because a disk could not be read or written (full, missing or failing). Free space or fix the disk, then resume it — or force it off.',
  'attention.crashed':
    'The guest of “{name}” crashed and QEMU paused it. Reset it to boot again, or force it off.',
  'attention.watchdog': 'The watchdog of “{name}” fired and QEMU paused it. Reset it, or force it off.',
  'attention.api_error': 'QEMU paused “{name}” after an internal error. Reset it, or force it off.',
  'attention.postcopy_failed':
    'A migration of “{name}” failed half-way; it is paused. Its state may be incomplete here: force it off.',
  'attention.shutdownOverdue':
    '“{name}” was asked to shut down but still runs. The guest may ignore the request (no ACPI support, or it is busy); you can force it off — unsaved data in the guest is lost.',
} satisfies Record<string, string>;
