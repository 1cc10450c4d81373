import type { NetworkSummary } from '../../../../shared/contract/networks.js';

/** "192.168.122.1/24" per address block. */
export const addressesOf = (n: NetworkSummary): string[] =>
  n.ips.filter((ip) => ip.address).map((ip) => `${ip.address}/${ip.prefix ?? '?'}`);

/**
 * "192.168.122.2 – 192.168.122.254" per DHCP range. The dash stays with the start (no-break space before
 * it): a long IPv6 range in a narrow column wraps after the dash, never leaves it alone on a line.
 */
export const rangesOf = (n: NetworkSummary): string[] =>
  n.ips.flatMap((ip) => ip.dhcpRanges.map((r) => `${r.start}\u00a0– ${r.end}`));

/** The i18n key of a forward mode (null = isolated). */
export const modeKey = (mode: string | null): string => `networks.mode.${mode ?? 'isolated'}`;
