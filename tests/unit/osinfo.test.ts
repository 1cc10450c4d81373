import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  writeFileSync,
  ftruncateSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  defaultOsDirs,
  loadOsCatalog,
  osCatalog,
  searchOs,
  type OsEntry,
} from '../../electron/osinfo/catalog.js';
import { detectOs } from '../../electron/osinfo/detect.js';
import {
  ISO_NOT_READABLE,
  IsoReadError,
  parseIsoPvd,
  readIsoIdentity,
  type IsoIdentity,
} from '../../electron/osinfo/iso.js';

const ISO_MODULE = path.resolve(import.meta.dirname, '../../electron/osinfo/iso.ts');
import { fakeIso } from '../support/iso.js';

const GiB = 1024 ** 3;
const root = mkdtempSync(path.join(tmpdir(), 'virtdesk-osinfo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh osinfo "os" folder holding files (relative path → <os> elements). */
const osDir = (files: Record<string, string>): string => {
  const dir = path.join(root, `db${++dirCount}`, 'os');
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `<?xml version="1.0"?>\n<libosinfo version="0.0.1">\n${body}\n</libosinfo>\n`);
  }
  return dir;
};

const DEBIAN_11 = `
  <!-- a comment -->
  <os id="http://debian.org/debian/11">
    <short-id>debian11</short-id>
    <short-id>debianbullseye</short-id>
    <name xml:lang="de">Debian 11 (de)</name>
    <name>Debian 11</name>
    <name xml:lang="ko">&#xB370;&#xBE44;&#xC548; 11</name>
    <version>11</version>
    <vendor xml:lang="fr">Projet Debian</vendor>
    <vendor>Debian Project</vendor>
    <family>linux</family>
    <distro>debian</distro>
    <upgrades id="http://debian.org/debian/10"/>
    <derives-from id="http://debian.org/debian/10"/>
    <release-date>2021-08-14</release-date>
    <eol-date>2026-08-31</eol-date>
    <resources arch="all">
      <minimum><cpu>1000000000</cpu><n-cpus>1</n-cpus><ram>1073741824</ram><storage>10737418240</storage></minimum>
      <recommended><ram>2147483648</ram><storage>21474836480</storage></recommended>
    </resources>
    <resources arch="x86_64">
      <minimum><ram>1610612736</ram></minimum>
    </resources>
    <resources arch="i686">
      <minimum><n-cpus>4</n-cpus><ram>536870912</ram></minimum>
    </resources>
    <devices>
      <device id="http://pcisig.com/pci/8086/2668"/>
      <device id="http://pcisig.com/pci/1af4/1050"/>
    </devices>
    <variant id="universal-netinst"><name>Debian 11</name></variant>
    <media arch="x86_64">
      <variant id="universal-netinst"/>
      <url>https://cdimage.debian.org/debian-11.5.0-amd64-netinst.iso</url>
      <iso><volume-id>Debian 11.\\d+.\\d+ amd64 n</volume-id></iso>
      <kernel>install.amd/vmlinuz</kernel>
    </media>
    <media arch="i686">
      <iso>
        <volume-id>Debian 11.\\d+.\\d+ i386 n</volume-id>
        <system-id>LINUX</system-id>
        <publisher-id>DEBIAN &amp; FRIENDS</publisher-id>
        <application-id>APP</application-id>
      </iso>
    </media>
    <media><iso><volume-id>DEBIAN_ANY</volume-id></iso></media>
    <tree arch="x86_64"><url>http://deb.debian.org/debian/dists/bullseye</url></tree>
  </os>`;

describe('loadOsCatalog', () => {
  it('reads every field VirtDesk uses from an osinfo file', async () => {
    const [debian] = await loadOsCatalog([osDir({ 'debian.org/debian-11.xml': DEBIAN_11 })]);
    expect(debian).toEqual({
      id: 'http://debian.org/debian/11',
      shortId: 'debian11',
      shortIds: ['debian11', 'debianbullseye'],
      name: 'Debian 11',
      version: '11',
      family: 'linux',
      distro: 'debian',
      vendor: 'Debian Project',
      releaseDate: '2021-08-14',
      eolDate: '2026-08-31',
      derivesFrom: 'http://debian.org/debian/10',
      // x86_64 wins over "all" field by field; i686 is ignored.
      minimum: { ramBytes: 1610612736, storageBytes: 10 * GiB, cpus: 1 },
      recommended: { ramBytes: 2 * GiB, storageBytes: 20 * GiB },
      virtio: true,
      media: [
        { arch: 'x86_64', volumeId: 'Debian 11.\\d+.\\d+ amd64 n' },
        {
          arch: 'i686',
          volumeId: 'Debian 11.\\d+.\\d+ i386 n',
          systemId: 'LINUX',
          publisherId: 'DEBIAN & FRIENDS',
          applicationId: 'APP',
        },
        { arch: 'all', volumeId: 'DEBIAN_ANY' },
      ],
    });
  });

  it('loads every *.xml below the folders, skips broken files and missing folders', async () => {
    const dir = osDir({
      'a.org/a-1.xml': '<os id="http://a.org/a/1"><short-id>a1</short-id><name>A 1</name></os>',
      'b.org/nested/b-1.xml': '<os id="http://b.org/b/1"><short-id>b1</short-id></os>',
      'c.org/broken.xml': '<os id="http://c.org/c/1"><short-id>c1</short-id>',
      'c.org/notes.txt': 'not xml',
    });
    const entries = await loadOsCatalog([path.join(root, 'missing', 'os'), dir]);
    expect(entries.map((e) => [e.shortId, e.name, e.virtio, e.media])).toEqual([
      ['a1', 'A 1', false, []],
      ['b1', 'b1', false, []], // no <name>: the short id stands in
    ]);
    await expect(loadOsCatalog([path.join(root, 'missing', 'os')])).resolves.toEqual([]);
    await expect(loadOsCatalog([])).resolves.toEqual([]);
  });

  it('lets a later folder replace an entry with the same id', async () => {
    const os = (name: string) => `<os id="http://x.org/x/1"><short-id>x1</short-id><name>${name}</name></os>`;
    const system = osDir({ 'x.org/x-1.xml': os('X system'), 'y.org/y.xml': '<os id="http://y.org/y"/>' });
    const local = osDir({ 'x.org/x-1.xml': os('X local') });
    const user = osDir({ 'override.xml': os('X user') });
    const names = async (dirs: string[]) => (await loadOsCatalog(dirs)).map((e) => e.name).sort();
    expect(await names([system, local, user])).toEqual(['X user', 'http://y.org/y']);
    expect(await names([system, local])).toEqual(['X local', 'http://y.org/y']);
    expect(await names([user, system])).toEqual(['X system', 'http://y.org/y']);
  });

  it('merges files of one id within a folder (win-10.xml + win-10.d/*.xml)', async () => {
    const [win] = await loadOsCatalog([
      osDir({
        'microsoft.com/win-10.xml': `<os id="http://microsoft.com/win/10"><short-id>win10</short-id>
          <name>Microsoft Windows 10</name><release-date>2018-11-13</release-date>
          <media arch="x86_64"><iso><volume-id>CCCOMA_X64FRE_</volume-id></iso></media></os>`,
        'microsoft.com/win-10.d/drivers.xml': `<os id="http://microsoft.com/win/10"><short-id>win10</short-id>
          <driver arch="x86_64"><device id="http://pcisig.com/pci/1af4/1000"/></driver></os>`,
        // Sorts after win-10.xml: adds a medium and an alias, keeps the name.
        'microsoft.com/win-10/extra.xml': `<os id="http://microsoft.com/win/10"><short-id>windows10</short-id>
          <media arch="i686"><iso><volume-id>CCCOMA_X86FRE_</volume-id></iso></media></os>`,
      }),
    ]);
    expect(win).toMatchObject({
      shortId: 'win10',
      shortIds: ['win10', 'windows10'],
      name: 'Microsoft Windows 10',
      releaseDate: '2018-11-13',
    });
    expect(win!.media.map((m) => m.arch)).toEqual(['x86_64', 'i686']);
    expect(win!.virtio).toBe(false); // drivers to install are not in-box virtio support
  });

  it('inherits missing resources and virtio along derives-from chains', async () => {
    const entries = await loadOsCatalog([
      osDir({
        'g.xml': `<os id="http://x.org/g"><short-id>grand</short-id>
          <resources arch="all"><minimum><n-cpus>1</n-cpus><ram>536870912</ram><storage>4294967296</storage></minimum>
          <recommended><ram>1073741824</ram><storage>8589934592</storage></recommended></resources>
          <devices><device id="http://pcisig.com/pci/1af4/1001"/></devices></os>`,
        'p.xml': `<os id="http://x.org/p"><short-id>parent</short-id><derives-from id="http://x.org/g"/>
          <resources arch="x86_64"><minimum><ram>2147483648</ram></minimum></resources></os>`,
        'c.xml': `<os id="http://x.org/c"><short-id>child</short-id><derives-from id="http://x.org/p"/>
          <resources arch="all"><recommended><storage>34359738368</storage></recommended></resources></os>`,
        'loop.xml': `<os id="http://x.org/loop"><short-id>loop</short-id><derives-from id="http://x.org/loop"/></os>`,
        'orphan.xml': `<os id="http://x.org/o"><short-id>orphan</short-id><derives-from id="http://x.org/none"/></os>`,
      }),
    ]);
    const by = new Map(entries.map((e) => [e.shortId, e]));
    expect(by.get('child')).toMatchObject({
      minimum: { ramBytes: 2 * GiB, storageBytes: 4 * GiB, cpus: 1 },
      // The grandparent's 1 GiB recommendation is below the parent's 2 GiB minimum: raised to it.
      recommended: { ramBytes: 2 * GiB, storageBytes: 32 * GiB },
      virtio: true,
    });
    expect(by.get('parent')).toMatchObject({ minimum: { ramBytes: 2 * GiB, cpus: 1 }, virtio: true });
    expect(by.get('loop')).toMatchObject({ minimum: {}, recommended: {}, virtio: false });
    expect(by.get('orphan')).toMatchObject({ minimum: {}, recommended: {}, virtio: false });
  });

  it("follows libosinfo's search path and environment variables", () => {
    const home = path.join(tmpdir(), 'nohome');
    vi.stubEnv('HOME', home);
    expect(defaultOsDirs({})).toEqual([
      '/usr/share/osinfo/os',
      '/etc/osinfo/os',
      path.join(home, '.config/osinfo/os'),
    ]);
    vi.unstubAllEnvs();
    const env = { OSINFO_SYSTEM_DIR: '/s', OSINFO_LOCAL_DIR: '/l', XDG_CONFIG_HOME: '/cfg' };
    expect(defaultOsDirs(env)).toEqual(['/s/os', '/l/os', '/cfg/osinfo/os']);
    expect(defaultOsDirs({ ...env, OSINFO_USER_DIR: '/u' })[2]).toBe('/u/os');
  });

  it('osCatalog() loads once and shares the promise', async () => {
    const system = path.dirname(osDir({ 'a.xml': '<os id="http://a.org/a"><short-id>a</short-id></os>' }));
    vi.stubEnv('OSINFO_SYSTEM_DIR', system);
    vi.stubEnv('OSINFO_LOCAL_DIR', path.join(root, 'none'));
    vi.stubEnv('OSINFO_USER_DIR', path.join(root, 'none'));
    try {
      const first = osCatalog();
      expect(osCatalog()).toBe(first);
      expect((await first).map((e) => e.shortId)).toEqual(['a']);
      expect(osCatalog()).toBe(first);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

const entry = (shortId: string, extra: Partial<OsEntry> = {}): OsEntry => ({
  id: `http://example.org/${shortId}`,
  shortId,
  shortIds: [shortId],
  name: shortId,
  minimum: {},
  recommended: {},
  virtio: true,
  media: [],
  ...extra,
});

describe('searchOs', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  const catalog = [
    entry('debian10', { name: 'Debian 10', releaseDate: '2019-07-06', eolDate: '2024-06-30' }),
    entry('debian11', {
      name: 'Debian 11',
      releaseDate: '2021-08-14',
      shortIds: ['debian11', 'debianbullseye'],
    }),
    entry('debiantesting', { name: 'Debian Testing' }),
    entry('debian12', { name: 'Debian 12', releaseDate: '2023-06-10' }),
    entry('ubuntu22.04', { name: 'Ubuntu 22.04 LTS', releaseDate: '2022-04-21' }),
    entry('win10', {
      name: 'Microsoft Windows 10',
      id: 'http://microsoft.com/win/10',
      releaseDate: '2018-11-13',
    }),
  ];
  const search = (q: string, limit?: number) => searchOs(catalog, q, limit, now).map((e) => e.shortId);

  it('matches every word case-insensitively in name, short ids and id; newest first, undated last', () => {
    expect(search('DEBIAN')).toEqual(['debian12', 'debian11', 'debiantesting']);
    expect(search('bullseye')).toEqual(['debian11']);
    expect(search('windows 10')).toEqual(['win10']);
    expect(search('microsoft.com')).toEqual(['win10']);
    expect(search('ubuntu lts 22')).toEqual(['ubuntu22.04']);
    expect(search('debian 13')).toEqual([]);
  });

  it('puts an exact short id first', () => {
    expect(search('debian1')).toEqual(['debian12', 'debian11']);
    expect(search('Debian11')).toEqual(['debian11']);
    const withPrefix = [
      ...catalog,
      entry('debian11-arm', { name: 'Debian 11 ARM', releaseDate: '2024-01-01' }),
    ];
    expect(searchOs(withPrefix, 'debian11', 50, now).map((e) => e.shortId)).toEqual([
      'debian11',
      'debian11-arm',
    ]);
  });

  it('hides entries past their EOL unless the query is their short id', () => {
    expect(search('debian 10')).toEqual([]);
    expect(search('debian10')).toEqual(['debian10']);
    expect(searchOs(catalog, 'debian 10', 50, new Date('2024-06-30T00:00:00Z')).map((e) => e.id)).toEqual([
      'http://example.org/debian10',
    ]);
  });

  it('lists everything current for an empty query, up to the limit', () => {
    expect(search('')).toEqual(['debian12', 'ubuntu22.04', 'debian11', 'win10', 'debiantesting']);
    expect(search('  ', 2)).toEqual(['debian12', 'ubuntu22.04']);
    expect(searchOs(catalog, 'debian').length).toBeGreaterThan(0); // default limit and clock
  });
});

type IsoFields = Partial<IsoIdentity>;

const buildIso = fakeIso;

const DEBIAN_ISO = {
  volumeId: 'Debian 11.6.0 amd64 n',
  systemId: 'LINUX',
  publisherId: '',
  applicationId: '',
};

describe('parseIsoPvd', () => {
  it('reads the four identity strings, trimmed', () => {
    const fields = {
      systemId: 'LINUX',
      volumeId: 'Debian 11.6.0 amd64 n',
      publisherId: 'Debian',
      applicationId: 'xorriso',
    };
    expect(parseIsoPvd(buildIso(fields))).toEqual(fields);
    expect(parseIsoPvd(buildIso(fields, { pad: '\0' }))).toEqual(fields);
    expect(parseIsoPvd(buildIso({ volumeId: '  CCCOMA_X64FRE_EN-US_DV9' }))).toEqual({
      systemId: '',
      volumeId: 'CCCOMA_X64FRE_EN-US_DV9',
      publisherId: '',
      applicationId: '',
    });
    // The bare 2048-byte sector, as readIsoIdentity reads it.
    expect(parseIsoPvd(buildIso(fields).subarray(32768), 0)).toEqual(fields);
  });

  it('returns null for anything but a primary volume descriptor', () => {
    expect(parseIsoPvd(buildIso(DEBIAN_ISO, { magic: 'CD002' }))).toBeNull();
    expect(parseIsoPvd(buildIso(DEBIAN_ISO, { type: 2 }))).toBeNull(); // supplementary (Joliet)
    expect(parseIsoPvd(buildIso(DEBIAN_ISO).subarray(0, 34815))).toBeNull();
    expect(parseIsoPvd(Buffer.alloc(0))).toBeNull();
  });
});

describe('readIsoIdentity', () => {
  const file = (name: string, data: Buffer | string): string => {
    const p = path.join(root, name);
    writeFileSync(p, data);
    return p;
  };

  it('reads the descriptor of an image file', async () => {
    const p = file('debian.iso', Buffer.concat([buildIso(DEBIAN_ISO), Buffer.alloc(4096, 0xaa)]));
    await expect(readIsoIdentity(p)).resolves.toEqual(DEBIAN_ISO);
  });

  it('reads 2 KiB at 32 KiB, whatever the size (a sparse 3 GiB image)', async () => {
    const p = path.join(root, 'big.iso');
    const fd = openSync(p, 'w');
    try {
      writeSync(fd, buildIso(DEBIAN_ISO).subarray(32768), 0, 2048, 32768);
      ftruncateSync(fd, 3 * GiB); // more than a Buffer can hold: reading it whole would throw
    } finally {
      closeSync(fd);
    }
    await expect(readIsoIdentity(p)).resolves.toEqual(DEBIAN_ISO);
  });

  it('returns null for files that are not ISO9660 and rejects on I/O errors', async () => {
    await expect(
      readIsoIdentity(file('short.iso', buildIso(DEBIAN_ISO).subarray(0, 33000))),
    ).resolves.toBeNull();
    await expect(readIsoIdentity(file('text.iso', 'x'.repeat(40000)))).resolves.toBeNull();
    await expect(readIsoIdentity(file('empty.iso', ''))).resolves.toBeNull();
    await expect(readIsoIdentity(path.join(root, 'nope.iso'))).rejects.toThrow(ISO_NOT_READABLE);
  });

  it('refuses a FIFO promptly, with the generic message, and the fs thread pool stays usable', async () => {
    const fifo = path.join(root, 'stall.iso');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    // Four is libuv's default pool size: four blocked opens would stall every later fs call.
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => readIsoIdentity(fifo, { timeoutMs: 2000 })),
    );
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(IsoReadError);
      expect(((r as PromiseRejectedResult).reason as Error).message).toBe(ISO_NOT_READABLE);
    }
    expect(Date.now() - t0).toBeLessThan(1500);
    const normal = await Promise.race([
      readFile(file('after-fifo.txt', 'still fine'), 'utf8'),
      new Promise((r) => setTimeout(() => r('thread pool stalled'), 1500)),
    ]);
    expect(normal).toBe('still fine');
  });

  it('refuses device nodes that are not block devices (/dev/zero, /dev/null)', async () => {
    await expect(readIsoIdentity('/dev/zero')).rejects.toThrow(ISO_NOT_READABLE);
    await expect(readIsoIdentity('/dev/null')).rejects.toThrow(ISO_NOT_READABLE);
    await expect(readIsoIdentity(root)).rejects.toThrow(ISO_NOT_READABLE); // a directory
  });

  it('says the same for a missing file and an unreadable one (no existence oracle)', async () => {
    const secret = file('secret.iso', buildIso(DEBIAN_ISO));
    chmodSync(secret, 0o000);
    chmodSync(root, 0o755);
    const missing = path.join(root, 'missing.iso');
    const readable = file('public.iso', buildIso(DEBIAN_ISO));
    chmodSync(readable, 0o644);
    // Root reads everything: probe as an unprivileged user then (uid 65534, "nobody").
    const asUser = (p: string): string => {
      const script =
        'import(process.argv[1]).then((m) => m.readIsoIdentity(process.argv[2]))' +
        '.then((v) => console.log("ok " + JSON.stringify(v)), (e) => console.log("error " + e.message))';
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, ISO_MODULE, p], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        cwd: path.resolve(import.meta.dirname, '../..'),
        timeout: 20_000,
      });
      return r.stdout.trim();
    };
    if (process.geteuid?.() === 0) {
      expect(asUser(readable)).toBe(`ok ${JSON.stringify(DEBIAN_ISO)}`); // control: the probe works
      expect(asUser(secret)).toBe(`error ${ISO_NOT_READABLE}`);
      expect(asUser(missing)).toBe(`error ${ISO_NOT_READABLE}`);
    } else {
      const a = await readIsoIdentity(secret).catch((e: Error) => e.message);
      const b = await readIsoIdentity(missing).catch((e: Error) => e.message);
      expect(a).toBe(ISO_NOT_READABLE);
      expect(b).toBe(a);
    }
  }, 30_000);
});

describe('detectOs', () => {
  const media = (arch: string, m: Partial<OsEntry['media'][number]>) => ({ arch, ...m });
  const catalog = [
    entry('debian10', {
      releaseDate: '2019-07-06',
      media: [media('x86_64', { volumeId: 'Debian 10.\\d+.\\d+ amd64 n' })],
    }),
    entry('debian11', {
      id: 'http://debian.org/debian/11',
      releaseDate: '2021-08-14',
      media: [
        media('x86_64', { volumeId: 'Debian 11.\\d+.\\d+ amd64 n' }),
        media('i686', { volumeId: 'Debian 11.\\d+.\\d+ i386 n' }),
      ],
    }),
    entry('ubuntu22.04', {
      releaseDate: '2022-04-21',
      media: [media('x86_64', { volumeId: 'Ubuntu-Server 22.04(.\\d\\+?)?(.\\d\\+?)? LTS amd64' })],
    }),
    entry('fedora37', {
      releaseDate: '2022-11-15',
      media: [media('x86_64', { volumeId: 'Fedora-S-dvd-x86_64-37', systemId: 'LINUX' })],
    }),
    // Same volume id pattern, newer, but without the publisher: less specific than win10.
    entry('winlike', { releaseDate: '2024-01-01', media: [media('x86_64', { volumeId: 'CCCOMA_X64FRE_' })] }),
    entry('win10b', {
      releaseDate: '2015-07-29',
      media: [media('all', { volumeId: 'CCCOMA_X64FRE_', publisherId: 'MICROSOFT' })],
    }),
    entry('win10', {
      releaseDate: '2018-11-13',
      media: [
        media('x86_64', {
          volumeId: '^(J_)?(CCSN?A|C?CCOMA)_X64FREE?_',
          publisherId: 'MICROSOFT CORPORATION',
        }),
      ],
    }),
    entry('pcre-only', { releaseDate: '2030-01-01', media: [media('x86_64', { volumeId: '(?i)debian' })] }),
    entry('no-patterns', { releaseDate: '2030-01-01', media: [media('x86_64', {})] }),
  ];
  const iso = (volumeId: string, f: IsoFields = {}): IsoIdentity => ({
    volumeId,
    systemId: '',
    publisherId: '',
    applicationId: '',
    ...f,
  });
  const detect = (i: IsoIdentity, arch?: string) => detectOs(catalog, i, arch)?.shortId ?? null;

  it('matches volume ids as unanchored regexes for the arch', () => {
    expect(detect(iso('Debian 11.6.0 amd64 n'))).toBe('debian11');
    expect(detect(iso('Debian 10.13.0 amd64 n'))).toBe('debian10');
    expect(detect(iso('Ubuntu-Server 22.04.1 LTS amd64'))).toBe('ubuntu22.04');
    expect(detect(iso('Ubuntu-Server 22.04 LTS amd64'))).toBe('ubuntu22.04');
    expect(detect(iso('Debian 11.6.0 i386 n'))).toBeNull();
    expect(detect(iso('Debian 11.6.0 i386 n'), 'i686')).toBe('debian11');
  });

  it('requires every pattern of a medium to match', () => {
    expect(detect(iso('Fedora-S-dvd-x86_64-37', { systemId: 'LINUX' }))).toBe('fedora37');
    expect(detect(iso('Fedora-S-dvd-x86_64-37', { systemId: 'WIN32' }))).toBeNull();
  });

  it('prefers the medium that pins down more fields, then the newest', () => {
    const windows = iso('CCCOMA_X64FRE_EN-US_DV9', { publisherId: 'MICROSOFT CORPORATION' });
    expect(detect(windows)).toBe('win10'); // two fields beat winlike's one; newer than win10b (listed first)
    expect(detect(iso('CCCOMA_X64FRE_EN-US_DV9'))).toBe('winlike');
    expect(detect(iso('CCCOMA_X64FRE_EN-US_DV9', { publisherId: 'MICROSOFT' }), 's390x')).toBe('win10b');
  });

  it('finds nothing for an unknown ISO; PCRE-only and empty media never match', () => {
    expect(detect(iso('My Backup Disc'))).toBeNull();
    expect(detect(iso('debian'))).toBeNull();
    expect(detect(iso(''))).toBeNull();
  });

  it('works end to end from an image file; a non-ISO file yields no identity', async () => {
    const p = path.join(root, 'netinst.iso');
    writeFileSync(p, buildIso(DEBIAN_ISO));
    const identity = await readIsoIdentity(p);
    expect(identity && detectOs(catalog, identity)?.id).toBe('http://debian.org/debian/11');
    const txt = path.join(root, 'readme.txt');
    writeFileSync(txt, 'hello');
    await expect(readIsoIdentity(txt)).resolves.toBeNull();
  });
});

describe('the system osinfo-db', () => {
  it.skipIf(!existsSync('/usr/share/osinfo/os'))('lists Debian 11 and detects its netinst ISO', async () => {
    const catalog = await loadOsCatalog(['/usr/share/osinfo/os']);
    const debian = catalog.find((e) => e.shortId === 'debian11');
    expect(debian).toMatchObject({ id: 'http://debian.org/debian/11', family: 'linux', virtio: true });
    expect(detectOs(catalog, { ...DEBIAN_ISO, systemId: '' })?.id).toBe('http://debian.org/debian/11');
  });
});
