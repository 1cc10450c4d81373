/** 简体中文 — KVM 就绪检查：结论（含单复数）以及 KVM 可用的主机的说明。 */
export default {
  'readiness.notReady': '需要修复 {n} 个问题，虚拟机才能全速运行',
  'readiness.notReady.one': '需要修复 1 个问题，虚拟机才能全速运行',
  'readiness.cpu-virt.kvm-works': 'CPU 未显示 vmx/svm（本机本身可能是一台虚拟机），但 KVM 在此可用。',
  'readiness.kvm-modules.kvm-works': 'KVM 在此可用（内置于内核）。',
  'readiness.kvm-domcaps.not-offered-kvm-ok':
    '你可以使用 /dev/kvm，但 libvirt 的 QEMU 无法使用它：守护进程以无权访问 /dev/kvm 的用户运行，或者它在 KVM 可用之前完成了探测。请重启守护进程以重新探测。',
  'readiness.dev-kvm.libvirt-has-kvm': '当前用户无法打开 /dev/kvm，但 libvirt 可以：它为虚拟机提供 KVM。',
  'readiness.kvm-domcaps.not-applicable': '此连接的驱动程序不运行 KVM 虚拟机，因此这里无需检查 KVM 支持。',
} satisfies Record<string, string>;
