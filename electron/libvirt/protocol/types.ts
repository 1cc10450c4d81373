/**
 * Shared XDR types of libvirt's remote protocol (src/remote/remote_protocol.x), written with the
 * schema DSL. Names follow the .x file without the `remote_` prefix, in camelCase.
 */
import {
  array,
  double,
  fixedArray,
  fixedOpaque,
  hyper,
  int,
  optional,
  string,
  struct,
  uhyper,
  uint,
  union,
  type XdrValue,
} from '../xdr/schema.js';
import {
  REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX,
  REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX,
  REMOTE_DOMAIN_IP_ADDR_MAX,
  REMOTE_SECURITY_LABEL_MAX,
  REMOTE_STRING_MAX,
  VIR_UUID_BUFLEN,
  TypedParamType,
} from './constants.js';

/** remote_nonnull_string: a string that may not be NULL. */
export const nonnullString = string(REMOTE_STRING_MAX);
/** remote_string: a string that may be NULL (`remote_nonnull_string *`). */
export const optString = optional(nonnullString);
/** remote_uuid: 16 raw bytes. */
export const uuid = fixedOpaque(VIR_UUID_BUFLEN);

/**
 * rpcgen encodes each C `char` / `unsigned char` / `short` as a full 4-byte XDR int, so `char x<N>`
 * is an int array and `char x[N]` a fixed int array. These helpers keep the table readable.
 */
export const charArray = (max: number) => array(int, max);
export const fixedCharArray = (len: number) => fixedArray(int, len);
/** `unsigned char` / `unsigned short` fields: one XDR unsigned int each. */
export const uchar = uint;
export const ushort = uint;
/** Signed `char` field. */
export const char = int;

export const nonnullDomain = struct({ name: nonnullString, uuid, id: int });
export const nonnullNetwork = struct({ name: nonnullString, uuid });
export const nonnullNwfilter = struct({ name: nonnullString, uuid });
export const nonnullInterface = struct({ name: nonnullString, mac: nonnullString });
export const nonnullStoragePool = struct({ name: nonnullString, uuid });
export const nonnullStorageVol = struct({ pool: nonnullString, name: nonnullString, key: nonnullString });
export const nonnullNodeDevice = struct({ name: nonnullString });
export const nonnullSecret = struct({ uuid, usageType: int, usageID: nonnullString });
export const nonnullDomainSnapshot = struct({ name: nonnullString, dom: nonnullDomain });

/** Nullable references (`remote_nonnull_X *`). */
export const optDomain = optional(nonnullDomain);
export const optNetwork = optional(nonnullNetwork);
export const optStoragePool = optional(nonnullStoragePool);
export const optStorageVol = optional(nonnullStorageVol);
export const optNodeDevice = optional(nonnullNodeDevice);

/** remote_error: the body of a REPLY with status ERROR. */
export const remoteError = struct({
  code: int,
  domain: int,
  message: optString,
  level: int,
  dom: optDomain,
  str1: optString,
  str2: optString,
  str3: optString,
  int1: int,
  int2: int,
  net: optNetwork,
});

/** remote_typed_param_value: union on virTypedParameterType. */
export const typedParamValue = union({
  [TypedParamType.INT]: int,
  [TypedParamType.UINT]: uint,
  [TypedParamType.LLONG]: hyper,
  [TypedParamType.ULLONG]: uhyper,
  [TypedParamType.DOUBLE]: double,
  [TypedParamType.BOOLEAN]: int,
  [TypedParamType.STRING]: nonnullString,
});

/** remote_typed_param */
export const typedParam = struct({ field: nonnullString, value: typedParamValue });
export const typedParams = (max: number) => array(typedParam, max);

/** remote_vcpu_info */
export const vcpuInfo = struct({ number: uint, state: int, cpu_time: uhyper, cpu: int });

/** remote_node_get_cpu_stats / remote_node_get_memory_stats */
export const nodeStatsEntry = struct({ field: nonnullString, value: uhyper });

/** remote_domain_disk_error */
export const domainDiskError = struct({ disk: nonnullString, error: int });

/** remote_domain_memory_stat */
export const domainMemoryStat = struct({ tag: int, val: uhyper });

/** remote_domain_get_security_label_ret (also the element of the label list) */
export const securityLabel = struct({ label: charArray(REMOTE_SECURITY_LABEL_MAX), enforcing: int });

/** remote_domain_ip_addr / remote_domain_interface */
export const domainIpAddr = struct({ type: int, addr: nonnullString, prefix: uint });
export const domainInterface = struct({
  name: nonnullString,
  hwaddr: optString,
  addrs: array(domainIpAddr, REMOTE_DOMAIN_IP_ADDR_MAX),
});

/** remote_network_dhcp_lease */
export const networkDhcpLease = struct({
  iface: nonnullString,
  expirytime: hyper,
  type: int,
  mac: optString,
  iaid: optString,
  ipaddr: nonnullString,
  prefix: uint,
  hostname: optString,
  clientid: optString,
});

/** remote_domain_stats_record */
export const domainStatsRecord = struct({
  dom: nonnullDomain,
  params: typedParams(REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX),
});

/** remote_domain_event_graphics_address / identity */
export const domainEventGraphicsAddress = struct({
  family: int,
  node: nonnullString,
  service: nonnullString,
});
export const domainEventGraphicsIdentity = struct({ type: nonnullString, name: nonnullString });
export const domainEventGraphicsSubject = array(
  domainEventGraphicsIdentity,
  REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX,
);

export type RemoteNonnullDomain = XdrValue<typeof nonnullDomain>;
export type RemoteNonnullNetwork = XdrValue<typeof nonnullNetwork>;
export type RemoteNonnullInterface = XdrValue<typeof nonnullInterface>;
export type RemoteNonnullStoragePool = XdrValue<typeof nonnullStoragePool>;
export type RemoteNonnullStorageVol = XdrValue<typeof nonnullStorageVol>;
export type RemoteNonnullNodeDevice = XdrValue<typeof nonnullNodeDevice>;
export type RemoteNonnullDomainSnapshot = XdrValue<typeof nonnullDomainSnapshot>;
export type RemoteError = XdrValue<typeof remoteError>;
export type RemoteTypedParam = XdrValue<typeof typedParam>;
export type RemoteTypedParamValue = XdrValue<typeof typedParamValue>;
