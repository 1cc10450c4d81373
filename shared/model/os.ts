/**
 * Human-readable OS names from libosinfo ids (`http://ubuntu.com/ubuntu/24.04` → `Ubuntu 24.04`).
 * A small built-in table of vendors; anything else falls back to the last path segments.
 */
const VENDORS: Record<string, string> = {
  'ubuntu.com/ubuntu': 'Ubuntu',
  'debian.org/debian': 'Debian',
  'fedoraproject.org/fedora': 'Fedora',
  'fedoraproject.org/silverblue': 'Fedora Silverblue',
  'fedoraproject.org/coreos': 'Fedora CoreOS',
  'redhat.com/rhel': 'Red Hat Enterprise Linux',
  'centos.org/centos': 'CentOS',
  'centos.org/centos-stream': 'CentOS Stream',
  'rockylinux.org/rocky': 'Rocky Linux',
  'almalinux.org/almalinux': 'AlmaLinux',
  'opensuse.org/opensuse': 'openSUSE',
  'opensuse.org/opensuse-unknown': 'openSUSE',
  'suse.com/sle': 'SUSE Linux Enterprise',
  'archlinux.org/archlinux': 'Arch Linux',
  'alpinelinux.org/alpinelinux': 'Alpine Linux',
  'gentoo.org/gentoo': 'Gentoo',
  'nixos.org/nixos': 'NixOS',
  'freebsd.org/freebsd': 'FreeBSD',
  'openbsd.org/openbsd': 'OpenBSD',
  'netbsd.org/netbsd': 'NetBSD',
  'microsoft.com/win': 'Windows',
  'microsoft.com/msdos': 'MS-DOS',
  'apple.com/macosx': 'macOS',
  'libosinfo.org/linux': 'Linux',
  'linuxmint.com/linuxmint': 'Linux Mint',
  'voidlinux.org/voidlinux': 'Void Linux',
  'manjaro.org/manjaro': 'Manjaro',
  'popos.org/popos': 'Pop!_OS',
  'kali.org/kali': 'Kali Linux',
  'cirros-cloud.net/cirros': 'CirrOS',
};

const SPECIAL: Record<string, string> = {
  'http://libosinfo.org/linux/2022': 'Generic Linux 2022',
  'http://libosinfo.org/linux/2024': 'Generic Linux 2024',
  'http://libosinfo.org/unknown': 'Unknown OS',
  'http://microsoft.com/win/2k22': 'Windows Server 2022',
  'http://microsoft.com/win/2k19': 'Windows Server 2019',
  'http://microsoft.com/win/2k16': 'Windows Server 2016',
};

export const osNameFromId = (id: string | null | undefined): string | null => {
  if (!id) return null;
  const special = SPECIAL[id];
  if (special) return special;
  const m = /^https?:\/\/([^/]+)\/(.+)$/.exec(id);
  if (!m) return id;
  const host = m[1] ?? '';
  const segments = (m[2] ?? '').split('/').filter(Boolean);
  for (let n = segments.length - 1; n >= 1; n--) {
    const vendor = VENDORS[`${host}/${segments.slice(0, n).join('/')}`];
    if (vendor) {
      const rest = segments.slice(n).join(' ');
      return rest && rest !== 'unknown' ? `${vendor} ${rest}` : vendor;
    }
  }
  const vendor = VENDORS[`${host}/${segments.join('/')}`];
  if (vendor) return vendor;
  return segments.length ? segments.join(' ') : host;
};
