/**
 * A new network checked against itself and the host before libvirt sees it, so a mistake gets a plain
 * sentence on the field it is about (libvirt would accept most of these at define time and only fail at
 * start, or worse, at a guest's start).
 */
import type { z } from 'zod';
import type { networkCreateSchema } from '../../shared/contract/networks.js';
import {
  formatSubnet,
  isHostAddress,
  overlaps,
  parseIp,
  subnetOf,
  type Family,
  type Subnet,
} from './addresses.js';

export type NetworkCreateInput = z.output<typeof networkCreateSchema>;

/** One refusal: the input path it is about and the sentence. */
export interface Refusal {
  path: (string | number)[];
  message: string;
}

/** An address block of a network that exists already. */
export interface ExistingBlock {
  network: string;
  family: Family;
  address: string;
  prefix: number;
  dhcpRanges: { start: string; end: string }[];
}

type BlockKey = 'ipv4' | 'ipv6';

interface CheckedBlock {
  key: BlockKey;
  subnet: Subnet;
  prefix: number;
  range: { first: bigint; last: bigint } | null;
}

/** The address block `key` of the input, checked by itself (refusals pushed), or null. */
function checkBlock(input: NetworkCreateInput, key: BlockKey, out: Refusal[]): CheckedBlock | null {
  const block = input[key];
  if (!block) return null;
  const family: Family = key;
  const label = key === 'ipv4' ? 'IPv4' : 'IPv6';
  const ip = parseIp(block.address);
  if (!ip || ip.family !== family) {
    out.push({ path: [key, 'address'], message: `'${block.address}' is not an ${label} address` });
    return null;
  }
  const subnet = subnetOf(ip, block.prefix);
  if (!subnet || (family === 'ipv4' && block.prefix > 30) || (family === 'ipv6' && block.prefix > 126)) {
    out.push({
      path: [key, 'prefix'],
      message: `The prefix must be between 1 and ${family === 'ipv4' ? 30 : 126}`,
    });
    return null;
  }
  if (!isHostAddress(ip, subnet, block.prefix)) {
    out.push({
      path: [key, 'address'],
      message: `${block.address} is the network's own address; give the host an address inside ${formatSubnet(subnet, block.prefix)}`,
    });
    return null;
  }
  if (!block.dhcp) return { key, subnet, prefix: block.prefix, range: null };
  const start = parseIp(block.dhcp.start);
  const end = parseIp(block.dhcp.end);
  const where = formatSubnet(subnet, block.prefix);
  let bad = false;
  for (const [which, p, text] of [
    ['start', start, block.dhcp.start],
    ['end', end, block.dhcp.end],
  ] as const) {
    if (!p || p.family !== family) {
      out.push({ path: [key, 'dhcp', which], message: `'${text}' is not an ${label} address` });
      bad = true;
    } else if (!isHostAddress(p, subnet, block.prefix)) {
      out.push({
        path: [key, 'dhcp', which],
        message: `The DHCP range must lie inside the network ${where}: ${text} does not`,
      });
      bad = true;
    }
  }
  if (bad || !start || !end) return null;
  if (start.value > end.value) {
    out.push({ path: [key, 'dhcp', 'end'], message: 'The DHCP range ends before it starts' });
    return null;
  }
  if (ip.value >= start.value && ip.value <= end.value) {
    out.push({
      path: [key, 'dhcp', 'start'],
      message: `The DHCP range includes the host's own address ${block.address}`,
    });
    return null;
  }
  return { key, subnet, prefix: block.prefix, range: { first: start.value, last: end.value } };
}

/**
 * Everything wrong with `input` given the networks that exist (`existing`) and the host's interfaces
 * (`hostInterfaces`, null when libvirt cannot list them: then the names are not checked).
 */
export function checkNewNetwork(
  input: NetworkCreateInput,
  existing: { names: string[]; blocks: ExistingBlock[]; bridges?: { network: string; bridge: string }[] },
  hostInterfaces: { name: string; type: string }[] | null,
): Refusal[] {
  const out: Refusal[] = [];
  if (existing.names.includes(input.name))
    out.push({ path: ['name'], message: `There is a network named '${input.name}' already` });

  const routed = input.kind === 'nat' || input.kind === 'route' || input.kind === 'open';
  if (input.kind === 'isolated' || routed) {
    const blocks = (['ipv4', 'ipv6'] as const).map((k) => checkBlock(input, k, out));
    for (const b of blocks) {
      if (!b) continue;
      for (const other of existing.blocks.filter((o) => o.family === b.key)) {
        const oip = parseIp(other.address);
        const osub = oip ? subnetOf(oip, other.prefix) : null;
        if (!osub) continue;
        const mine = formatSubnet(b.subnet, b.prefix);
        if (b.range) {
          const hit = other.dhcpRanges.find((r) => {
            const s = parseIp(r.start);
            const e = parseIp(r.end);
            return s && e && overlaps(b.range!, { first: s.value, last: e.value });
          });
          if (hit) {
            out.push({
              path: [b.key, 'dhcp', 'start'],
              message: `The DHCP range overlaps network '${other.network}' (its range ${hit.start} – ${hit.end})`,
            });
            continue;
          }
        }
        if (overlaps(b.subnet, osub)) {
          out.push({
            path: [b.key, 'address'],
            message: `The addresses ${mine} overlap network '${other.network}' (${formatSubnet(osub, other.prefix)})`,
          });
        }
      }
    }
  }

  if (hostInterfaces) {
    const find = (name: string | null) => (name ? hostInterfaces.find((i) => i.name === name) : undefined);
    if (input.kind === 'bridge' && input.hostBridge) {
      const it = find(input.hostBridge);
      if (!it) out.push({ path: ['hostBridge'], message: `The host has no bridge '${input.hostBridge}'` });
      else if (it.type !== 'bridge')
        out.push({
          path: ['hostBridge'],
          message: `'${input.hostBridge}' is a host ${it.type} interface, not a bridge`,
        });
    }
    if (input.kind === 'macvtap' && input.macvtapDev && !find(input.macvtapDev))
      out.push({ path: ['macvtapDev'], message: `The host has no interface '${input.macvtapDev}'` });
    if (routed && input.forwardDev && !find(input.forwardDev))
      out.push({ path: ['forwardDev'], message: `The host has no interface '${input.forwardDev}'` });
  }
  const taken = existing.bridges?.find((b) => b.bridge === input.bridgeName);
  if ((input.kind === 'isolated' || routed) && input.bridgeName && taken)
    out.push({
      path: ['bridgeName'],
      message: `Network '${taken.network}' uses the bridge '${input.bridgeName}' already`,
    });
  else if (
    (input.kind === 'isolated' || routed) &&
    input.bridgeName &&
    find0(hostInterfaces, input.bridgeName)
  )
    out.push({
      path: ['bridgeName'],
      message: `The host has an interface named '${input.bridgeName}' already; leave the bridge name empty to let libvirt pick one`,
    });
  return out;
}

const find0 = (list: { name: string }[] | null, name: string): boolean =>
  !!list && list.some((i) => i.name === name);
