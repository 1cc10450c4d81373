/** English — KVM readiness: the verdict (with its plural) and the reasons of a host where KVM works. */
export default {
  'readiness.notReady': '{n} problems to fix before VMs run at full speed',
  'readiness.notReady.one': 'One problem to fix before VMs run at full speed',
  'readiness.cpu-virt.kvm-works':
    'The CPU does not show vmx/svm (this machine may itself be a VM), but KVM works here.',
  'readiness.kvm-modules.kvm-works': 'KVM works here (built into the kernel).',
  'readiness.kvm-domcaps.not-offered-kvm-ok':
    "/dev/kvm works for you, but libvirt's QEMU cannot use it: the daemon runs as a user without access to /dev/kvm, or it looked before KVM was usable. Restart the daemon so it looks again.",
  'readiness.dev-kvm.libvirt-has-kvm':
    'This user cannot open /dev/kvm, but libvirt can: it offers KVM to its guests.',
  'readiness.kvm-domcaps.not-applicable':
    "This connection's driver does not run KVM guests, so there is no KVM support to check here.",
} satisfies Record<string, string>;
