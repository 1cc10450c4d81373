/** The ISO library's fallback: an OS from an image's file name (short ids from neighbouring words). */
import { describe, expect, it } from 'vitest';
import { osFromFileName } from '../../electron/osinfo/detect.js';
import type { OsEntry } from '../../electron/osinfo/types.js';

const os = (shortIds: string[], releaseDate?: string): OsEntry =>
  ({
    id: `http://example.org/${shortIds[0]}`,
    shortId: shortIds[0]!,
    shortIds,
    name: shortIds[0]!,
    minimum: {},
    recommended: {},
    virtio: true,
    media: [],
    ...(releaseDate ? { releaseDate } : {}),
  }) as OsEntry;

const catalog = [
  os(['debian11', 'debianbullseye'], '2021-08-14'),
  os(['debian10'], '2019-07-06'),
  os(['ubuntu22.04'], '2022-04-21'),
  os(['ubuntu22.10'], '2022-10-20'),
  os(['alpinelinux3.17'], '2022-11-22'),
  os(['win10']),
  os(['archlinux']),
  os(['centos-stream9'], '2021-12-03'),
  os(['opensuse15.4'], '2022-06-08'),
];

const shortIdOf = (name: string): string | null => osFromFileName(catalog, name)?.shortId ?? null;

describe('osFromFileName', () => {
  it.each([
    ['debian-11.7.0-amd64-netinst.iso', 'debian11'],
    ['ubuntu-22.04.3-live-server-amd64.iso', 'ubuntu22.04'],
    ['alpine-virt-3.17.0-x86_64.iso', 'alpinelinux3.17'],
    ['Win10_22H2_English_x64.iso', 'win10'],
    ['archlinux-2024.01.01-x86_64.iso', 'archlinux'],
    ['CentOS-Stream-9-latest-x86_64-dvd1.iso', 'centos-stream9'],
    ['openSUSE-Leap-15.4-DVD-x86_64.iso', 'opensuse15.4'],
  ])('%s → %s', (name, expected) => {
    expect(shortIdOf(name)).toBe(expected);
  });

  it('finds nothing in a name without an OS, or with a version osinfo-db does not know', () => {
    expect(shortIdOf('random.iso')).toBeNull();
    expect(shortIdOf('debian-13.0.0-amd64-netinst.iso')).toBeNull();
    expect(shortIdOf('installer.img')).toBeNull();
  });
});
