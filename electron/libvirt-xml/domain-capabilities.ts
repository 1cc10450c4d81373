/**
 * libvirt's domain capabilities (formatdomaincaps): what one emulator/arch/machine/virt-type allows —
 * vCPU ceiling, CPU modes and models, firmware, memory backing and device models. Read-only.
 */
import { attr, child, children, elements, intOf, text, type XmlElement } from './dom.js';
import { LibvirtXml } from './document.js';

const values = (el: XmlElement | undefined, enumName: string): string[] =>
  children(el, 'enum')
    .filter((e) => attr(e, 'name') === enumName)
    .flatMap((e) => children(e, 'value').map((v) => text(v) ?? ''))
    .filter(Boolean);

const supported = (el: XmlElement | undefined): boolean => attr(el, 'supported') === 'yes';

export class DomainCapabilitiesXml extends LibvirtXml {
  static parse(xml: string): DomainCapabilitiesXml {
    return new DomainCapabilitiesXml(LibvirtXml.rootOf(xml, 'domainCapabilities'));
  }

  /** `<vcpu max>`: the most vCPUs a domain of this type and machine can have; null when not given. */
  get maxVcpus(): number | null {
    return intOf(attr(child(this.root, 'vcpu'), 'max'));
  }

  private cpuMode(name: string): XmlElement | undefined {
    return children(child(this.root, 'cpu'), 'mode').find((m) => attr(m, 'name') === name);
  }

  /** Whether a `<cpu mode>` is supported (host-passthrough, host-model, custom, maximum). */
  cpuModeSupported(name: string): boolean {
    return supported(this.cpuMode(name));
  }

  /** Named CPU models this host can run (custom mode, `usable='yes'`; models without the mark count too). */
  get usableCpuModels(): string[] {
    const custom = this.cpuMode('custom');
    if (!supported(custom)) return [];
    return children(custom, 'model')
      .filter((m) => (attr(m, 'usable') ?? 'yes') === 'yes')
      .map((m) => text(m) ?? '')
      .filter(Boolean);
  }

  private get os(): XmlElement | undefined {
    const os = child(this.root, 'os');
    return supported(os) ? os : undefined;
  }

  /** Values of `<os firmware>` autoselection (bios, efi). */
  get firmwareChoices(): string[] {
    return values(this.os, 'firmware');
  }

  get loaders(): string[] {
    const loader = child(this.os, 'loader');
    return supported(loader)
      ? children(loader, 'value')
          .map((v) => text(v) ?? '')
          .filter(Boolean)
      : [];
  }

  /** A secure-boot loader is installed (the loader's `secure` enum offers yes). */
  get secureBoot(): boolean {
    const loader = child(this.os, 'loader');
    return supported(loader) && values(loader, 'secure').includes('yes');
  }

  get memoryBackingSources(): string[] {
    const mb = child(this.root, 'memoryBacking');
    return supported(mb) ? values(mb, 'sourceType') : [];
  }

  /** A device's enum values (`devices/<device>/enum[@name]`), when the device is supported. */
  deviceValues(device: string, enumName: string): string[] {
    const el = child(this.root, `devices/${device}`);
    return supported(el) ? values(el, enumName) : [];
  }

  /** Each device domain capabilities list (`devices/<name supported>`): supported or not. */
  get deviceSupport(): Record<string, boolean> {
    return Object.fromEntries(elements(child(this.root, 'devices')).map((e) => [e.nodeName, supported(e)]));
  }

  /** Names of the features listed as supported (`features/<name supported='yes'>`). */
  get features(): string[] {
    return elements(child(this.root, 'features'))
      .filter(supported)
      .map((e) => e.nodeName);
  }
}
