/**
 * libvirt's remote program (REMOTE_PROGRAM 0x20008086, version 1) as a declarative table.
 *
 * Each entry mirrors one `REMOTE_PROC_*` of src/remote/remote_protocol.x: its number and the XDR
 * schemas of `remote_<name>_args` / `remote_<name>_ret` (void when the .x file has none). Keys are the
 * C API name without `vir`, in camelCase. One generic call engine (client.ts) drives every entry.
 *
 * `stream` marks procedures whose reply opens a data stream: 'read' = daemon → client,
 * 'write' = client → daemon, 'duplex' = both (consoles).
 */
import {
  array,
  hyper,
  int,
  opaque,
  struct,
  uhyper,
  uint,
  voidT,
  type XdrType,
  type XdrValue,
} from '../xdr/schema.js';
import {
  REMOTE_AUTH_TYPE_LIST_MAX,
  REMOTE_CPUMAP_MAX,
  REMOTE_CPUMAPS_MAX,
  REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX,
  REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX,
  REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX,
  REMOTE_DOMAIN_INTERFACE_MAX,
  REMOTE_DOMAIN_JOB_STATS_MAX,
  REMOTE_DOMAIN_LIST_MAX,
  REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX,
  REMOTE_DOMAIN_MEMORY_STATS_MAX,
  REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
  REMOTE_DOMAIN_NUMA_PARAMETERS_MAX,
  REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX,
  REMOTE_DOMAIN_SEND_KEY_MAX,
  REMOTE_DOMAIN_SNAPSHOT_LIST_MAX,
  REMOTE_INTERFACE_LIST_MAX,
  REMOTE_IOTHREAD_INFO_MAX,
  REMOTE_MIGRATE_COOKIE_MAX,
  REMOTE_NETWORK_DHCP_LEASES_MAX,
  REMOTE_NETWORK_LIST_MAX,
  REMOTE_NODE_CPU_STATS_MAX,
  REMOTE_NODE_DEVICE_LIST_MAX,
  REMOTE_NODE_MAX_CELLS,
  REMOTE_NODE_MEMORY_PARAMETERS_MAX,
  REMOTE_NODE_MEMORY_STATS_MAX,
  REMOTE_SECURITY_DOI_MAX,
  REMOTE_SECURITY_LABEL_LIST_MAX,
  REMOTE_SECURITY_MODEL_MAX,
  REMOTE_STORAGE_POOL_LIST_MAX,
  REMOTE_STORAGE_VOL_LIST_MAX,
  REMOTE_VCPUINFO_MAX,
  REMOTE_DOMAIN_EVENT_TUNABLE_MAX,
} from './constants.js';
import {
  char,
  charArray,
  domainEventGraphicsAddress,
  domainEventGraphicsSubject,
  domainInterface,
  domainMemoryStat,
  domainStatsRecord,
  fixedCharArray,
  networkDhcpLease,
  nodeStatsEntry,
  nonnullDomain as dom,
  nonnullDomainSnapshot as snap,
  nonnullInterface as iface,
  nonnullNetwork as net,
  nonnullNodeDevice as nodeDev,
  nonnullStoragePool as pool,
  nonnullStorageVol as vol,
  nonnullString as str,
  optDomain,
  optNetwork,
  optStoragePool,
  optString,
  securityLabel,
  typedParams,
  uchar,
  ushort,
  uuid,
  vcpuInfo,
} from './types.js';

export type StreamKind = 'read' | 'write' | 'duplex';

export interface ProcedureDef<A extends XdrType = XdrType, R extends XdrType = XdrType> {
  readonly proc: number;
  readonly args: A;
  readonly ret: R;
  readonly stream?: StreamKind;
}

/** An event message pushed by the daemon (REMOTE_PROC_*_EVENT_*), body schema in `msg`. */
export interface EventMessageDef<M extends XdrType = XdrType> {
  readonly proc: number;
  readonly msg: M;
}

function p<A extends XdrType, R extends XdrType>(
  proc: number,
  args: A,
  ret: R,
  stream?: StreamKind,
): ProcedureDef<A, R> {
  return stream ? { proc, args, ret, stream } : { proc, args, ret };
}

const flags = uint;
const v = voidT;
const s = struct;

// Frequent argument shapes.
const domOnly = s({ dom });
const domFlags = s({ dom, flags });
const poolOnly = s({ pool });
const poolFlags = s({ pool, flags });
const volFlags = s({ vol, flags });
const netOnly = s({ net });
const snapFlags = s({ snap, flags });
const xmlRet = s({ xml: str });
const autostartRet = s({ autostart: int });

export const procedures = {
  // ---- connection ------------------------------------------------------------------------------
  connectOpen: p(1, s({ name: optString, flags }), v),
  connectClose: p(2, v, v),
  connectGetType: p(3, v, s({ type: str })),
  connectGetVersion: p(4, v, s({ hv_ver: uhyper })),
  connectGetMaxVcpus: p(5, s({ type: optString }), s({ max_vcpus: int })),
  nodeGetInfo: p(
    6,
    v,
    s({
      model: fixedCharArray(32),
      memory: uhyper,
      cpus: int,
      mhz: int,
      nodes: int,
      sockets: int,
      cores: int,
      threads: int,
    }),
  ),
  connectGetCapabilities: p(7, v, s({ capabilities: str })),
  connectGetHostname: p(59, v, s({ hostname: str })),
  connectSupportsFeature: p(60, s({ feature: int }), s({ supported: int })),
  authList: p(66, v, s({ types: array(int, REMOTE_AUTH_TYPE_LIST_MAX) })),
  authPolkit: p(70, v, s({ complete: int })),
  nodeGetCellsFreeMemory: p(
    101,
    s({ startCell: int, maxcells: int }),
    s({ cells: array(uhyper, REMOTE_NODE_MAX_CELLS) }),
  ),
  nodeGetFreeMemory: p(102, v, s({ freeMem: uhyper })),
  connectGetURI: p(110, v, s({ uri: str })),
  nodeGetSecurityModel: p(
    122,
    v,
    s({ model: charArray(REMOTE_SECURITY_MODEL_MAX), doi: charArray(REMOTE_SECURITY_DOI_MAX) }),
  ),
  connectIsSecure: p(149, v, s({ secure: int })),
  connectGetLibVersion: p(157, v, s({ lib_ver: uhyper })),
  connectGetSysinfo: p(203, s({ flags }), s({ sysinfo: str })),
  nodeGetCPUStats: p(
    227,
    s({ cpuNum: int, nparams: int, flags }),
    s({ params: array(nodeStatsEntry, REMOTE_NODE_CPU_STATS_MAX), nparams: int }),
  ),
  nodeGetMemoryStats: p(
    228,
    s({ nparams: int, cellNum: int, flags }),
    s({ params: array(nodeStatsEntry, REMOTE_NODE_MEMORY_STATS_MAX), nparams: int }),
  ),
  nodeSetMemoryParameters: p(288, s({ params: typedParams(REMOTE_NODE_MEMORY_PARAMETERS_MAX), flags }), v),
  nodeGetMemoryParameters: p(
    289,
    s({ nparams: int, flags }),
    s({ params: typedParams(REMOTE_NODE_MEMORY_PARAMETERS_MAX), nparams: int }),
  ),
  nodeGetFreePages: p(
    340,
    s({ pages: array(uint, REMOTE_NODE_MAX_CELLS), startCell: int, cellCount: uint, flags }),
    s({ counts: array(uhyper, REMOTE_NODE_MAX_CELLS) }),
  ),
  nodeAllocPages: p(
    347,
    s({
      pageSizes: array(uint, REMOTE_NODE_MAX_CELLS),
      pageCounts: array(uhyper, REMOTE_NODE_MAX_CELLS),
      startCell: int,
      cellCount: uint,
      flags,
    }),
    s({ ret: int }),
  ),
  connectGetDomainCapabilities: p(
    342,
    s({ emulatorbin: optString, arch: optString, machine: optString, virttype: optString, flags }),
    s({ capabilities: str }),
  ),

  // ---- domains: lookup, listing, definition ----------------------------------------------------
  domainCreateXML: p(10, s({ xml_desc: str, flags }), s({ dom })),
  domainDefineXML: p(11, s({ xml: str }), s({ dom })),
  domainLookupByID: p(22, s({ id: int }), s({ dom })),
  domainLookupByName: p(23, s({ name: str }), s({ dom })),
  domainLookupByUUID: p(24, s({ uuid }), s({ dom })),
  domainUndefine: p(35, domOnly, v),
  domainIsActive: p(150, domOnly, s({ active: int })),
  domainIsPersistent: p(151, domOnly, s({ persistent: int })),
  domainIsUpdated: p(202, domOnly, s({ updated: int })),
  domainUndefineFlags: p(231, domFlags, v),
  connectListAllDomains: p(
    273,
    s({ need_results: int, flags }),
    s({ domains: array(dom, REMOTE_DOMAIN_LIST_MAX), ret: uint }),
  ),
  domainDefineXMLFlags: p(350, s({ xml: str, flags }), s({ dom })),
  domainRename: p(358, s({ dom, new_name: optString, flags }), s({ retcode: int })),

  // ---- domains: lifecycle ----------------------------------------------------------------------
  domainCreate: p(9, domOnly, v),
  domainDestroy: p(12, domOnly, v),
  domainReboot: p(27, domFlags, v),
  domainResume: p(28, domOnly, v),
  domainShutdown: p(33, domOnly, v),
  domainSuspend: p(34, domOnly, v),
  domainManagedSave: p(182, domFlags, v),
  domainHasManagedSaveImage: p(183, domFlags, s({ result: int })),
  domainManagedSaveRemove: p(184, domFlags, v),
  domainCreateWithFlags: p(196, domFlags, s({ dom })),
  domainDestroyFlags: p(234, domFlags, v),
  domainReset: p(245, domFlags, v),
  domainShutdownFlags: p(258, domFlags, v),

  // ---- domains: info and state -----------------------------------------------------------------
  domainGetXMLDesc: p(14, domFlags, xmlRet),
  domainGetAutostart: p(15, domOnly, autostartRet),
  domainGetInfo: p(
    16,
    domOnly,
    s({ state: uchar, maxMem: uhyper, memory: uhyper, nrVirtCpu: ushort, cpuTime: uhyper }),
  ),
  domainGetMaxMemory: p(17, domOnly, s({ memory: uhyper })),
  domainGetMaxVcpus: p(18, domOnly, s({ num: int })),
  domainGetOSType: p(19, domOnly, s({ type: str })),
  domainGetVcpus: p(
    20,
    s({ dom, maxinfo: int, maplen: int }),
    s({ info: array(vcpuInfo, REMOTE_VCPUINFO_MAX), cpumaps: opaque(REMOTE_CPUMAPS_MAX) }),
  ),
  domainSetAutostart: p(29, s({ dom, autostart: int }), v),
  domainSetMaxMemory: p(30, s({ dom, memory: uhyper }), v),
  domainBlockStats: p(
    64,
    s({ dom, path: str }),
    s({ rd_req: uhyper, rd_bytes: uhyper, wr_req: uhyper, wr_bytes: uhyper, errs: uhyper }),
  ),
  domainInterfaceStats: p(
    65,
    s({ dom, path: str }),
    s({
      rx_bytes: uhyper,
      rx_packets: uhyper,
      rx_errs: uhyper,
      rx_drop: uhyper,
      tx_bytes: uhyper,
      tx_packets: uhyper,
      tx_errs: uhyper,
      tx_drop: uhyper,
    }),
  ),
  domainGetSecurityLabel: p(121, domOnly, securityLabel),
  domainMemoryStats: p(
    159,
    s({ dom, maxStats: uint, flags }),
    s({ stats: array(domainMemoryStat, REMOTE_DOMAIN_MEMORY_STATS_MAX) }),
  ),
  domainGetBlockInfo: p(
    194,
    s({ dom, path: str, flags }),
    s({ allocation: uhyper, capacity: uhyper, physical: uhyper }),
  ),
  domainGetState: p(212, domFlags, s({ state: int, reason: int })),
  domainGetHostname: p(277, domFlags, s({ hostname: str })),
  domainGetSecurityLabelList: p(
    278,
    domOnly,
    s({ labels: array(securityLabel, REMOTE_SECURITY_LABEL_LIST_MAX), ret: int }),
  ),
  domainInterfaceAddresses: p(
    353,
    s({ dom, source: uint, flags }),
    s({ ifaces: array(domainInterface, REMOTE_DOMAIN_INTERFACE_MAX) }),
  ),
  domainGetGuestInfo: p(
    418,
    s({ dom, types: uint, flags }),
    s({ params: typedParams(REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX) }),
  ),
  domainGetMetadata: p(265, s({ dom, type: int, uri: optString, flags }), s({ metadata: str })),
  domainSetMetadata: p(
    264,
    s({ dom, type: int, metadata: optString, key: optString, uri: optString, flags }),
    v,
  ),

  // ---- domains: resources and tuning -----------------------------------------------------------
  domainSetMemoryFlags: p(204, s({ dom, memory: uhyper, flags }), v),
  domainSetVcpusFlags: p(199, s({ dom, nvcpus: uint, flags }), v),
  domainGetVcpusFlags: p(200, domFlags, s({ num: int })),
  domainAttachDeviceFlags: p(160, s({ dom, xml: str, flags }), v),
  domainDetachDeviceFlags: p(161, s({ dom, xml: str, flags }), v),
  domainUpdateDeviceFlags: p(174, s({ dom, xml: str, flags }), v),
  domainBlockResize: p(251, s({ dom, disk: str, size: uhyper, flags }), v),
  domainGetSchedulerType: p(56, domOnly, s({ type: str, nparams: int })),
  domainSetSchedulerParametersFlags: p(
    219,
    s({ dom, params: typedParams(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX), flags }),
    v,
  ),
  domainGetSchedulerParametersFlags: p(
    223,
    s({ dom, nparams: int, flags }),
    s({ params: typedParams(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) }),
  ),
  domainSetMemoryParameters: p(
    197,
    s({ dom, params: typedParams(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX), flags }),
    v,
  ),
  domainGetMemoryParameters: p(
    198,
    s({ dom, nparams: int, flags }),
    s({ params: typedParams(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX), nparams: int }),
  ),
  domainSetBlkioParameters: p(
    205,
    s({ dom, params: typedParams(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX), flags }),
    v,
  ),
  domainGetBlkioParameters: p(
    206,
    s({ dom, nparams: int, flags }),
    s({ params: typedParams(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX), nparams: int }),
  ),
  domainSetNumaParameters: p(
    254,
    s({ dom, params: typedParams(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX), flags }),
    v,
  ),
  domainGetNumaParameters: p(
    255,
    s({ dom, nparams: int, flags }),
    s({ params: typedParams(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX), nparams: int }),
  ),
  domainPinVcpuFlags: p(225, s({ dom, vcpu: uint, cpumap: opaque(REMOTE_CPUMAP_MAX), flags }), v),
  domainGetVcpuPinInfo: p(
    230,
    s({ dom, ncpumaps: int, maplen: int, flags }),
    s({ cpumaps: opaque(REMOTE_CPUMAPS_MAX), num: int }),
  ),
  domainGetEmulatorPinInfo: p(
    280,
    s({ dom, maplen: int, flags }),
    s({ cpumaps: opaque(REMOTE_CPUMAPS_MAX), ret: int }),
  ),
  domainPinEmulator: p(279, s({ dom, cpumap: opaque(REMOTE_CPUMAP_MAX), flags }), v),
  domainGetIOThreadInfo: p(
    351,
    domFlags,
    s({
      info: array(s({ iothread_id: uint, cpumap: opaque(REMOTE_CPUMAP_MAX) }), REMOTE_IOTHREAD_INFO_MAX),
      ret: uint,
    }),
  ),
  domainPinIOThread: p(352, s({ dom, iothreads_id: uint, cpumap: opaque(REMOTE_CPUMAP_MAX), flags }), v),
  domainAddIOThread: p(355, s({ dom, iothread_id: uint, flags }), v),
  domainDelIOThread: p(356, s({ dom, iothread_id: uint, flags }), v),
  domainSetBlockIoTune: p(
    252,
    s({ dom, disk: str, params: typedParams(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX), flags }),
    v,
  ),
  domainGetBlockIoTune: p(
    253,
    s({ dom, disk: optString, nparams: int, flags }),
    s({ params: typedParams(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX), nparams: int }),
  ),

  // ---- domains: devices, input, console --------------------------------------------------------
  domainOpenConsole: p(201, s({ dom, dev_name: optString, flags }), v, 'duplex'),
  domainScreenshot: p(211, s({ dom, screen: uint, flags }), s({ mime: optString }), 'read'),
  domainSendKey: p(
    226,
    s({ dom, codeset: uint, holdtime: uint, keycodes: array(uint, REMOTE_DOMAIN_SEND_KEY_MAX), flags }),
    v,
  ),

  // ---- domains: jobs and migration -------------------------------------------------------------
  domainGetJobInfo: p(
    163,
    domOnly,
    s({
      type: int,
      timeElapsed: uhyper,
      timeRemaining: uhyper,
      dataTotal: uhyper,
      dataProcessed: uhyper,
      dataRemaining: uhyper,
      memTotal: uhyper,
      memProcessed: uhyper,
      memRemaining: uhyper,
      fileTotal: uhyper,
      fileProcessed: uhyper,
      fileRemaining: uhyper,
    }),
  ),
  domainAbortJob: p(164, domOnly, v),
  domainMigrateSetMaxSpeed: p(207, s({ dom, bandwidth: uhyper, flags }), v),
  domainMigrateGetMaxSpeed: p(242, domFlags, s({ bandwidth: uhyper })),
  domainGetJobStats: p(298, domFlags, s({ type: int, params: typedParams(REMOTE_DOMAIN_JOB_STATS_MAX) })),
  // Client-managed migration, version 3 with typed parameters: Begin (source) → Prepare (destination)
  // → Perform (source) → Finish (destination) → Confirm (source), each passing the previous cookie on.
  domainMigrateBegin3Params: p(
    302,
    s({ dom, params: typedParams(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX), flags }),
    s({ cookie_out: opaque(REMOTE_MIGRATE_COOKIE_MAX), xml: str }),
  ),
  domainMigratePrepare3Params: p(
    303,
    s({
      params: typedParams(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
      cookie_in: opaque(REMOTE_MIGRATE_COOKIE_MAX),
      flags,
    }),
    s({ cookie_out: opaque(REMOTE_MIGRATE_COOKIE_MAX), uri_out: optString }),
  ),
  domainMigrateFinish3Params: p(
    306,
    s({
      params: typedParams(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
      cookie_in: opaque(REMOTE_MIGRATE_COOKIE_MAX),
      flags,
      cancelled: int,
    }),
    s({ dom, cookie_out: opaque(REMOTE_MIGRATE_COOKIE_MAX) }),
  ),
  domainMigrateConfirm3Params: p(
    307,
    s({
      dom,
      params: typedParams(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
      cookie_in: opaque(REMOTE_MIGRATE_COOKIE_MAX),
      flags,
      cancelled: int,
    }),
    v,
  ),
  domainMigratePerform3Params: p(
    305,
    s({
      dom,
      dconnuri: optString,
      params: typedParams(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX),
      cookie_in: opaque(REMOTE_MIGRATE_COOKIE_MAX),
      flags,
    }),
    s({ cookie_out: opaque(REMOTE_MIGRATE_COOKIE_MAX) }),
  ),

  // ---- bulk stats ------------------------------------------------------------------------------
  connectGetAllDomainStats: p(
    344,
    s({ doms: array(dom, REMOTE_DOMAIN_LIST_MAX), stats: uint, flags }),
    s({ retStats: array(domainStatsRecord, REMOTE_DOMAIN_LIST_MAX) }),
  ),

  // ---- events (registration) -------------------------------------------------------------------
  connectDomainEventCallbackRegisterAny: p(316, s({ eventID: int, dom: optDomain }), s({ callbackID: int })),
  connectDomainEventCallbackDeregisterAny: p(317, s({ callbackID: int }), v),
  connectNetworkEventRegisterAny: p(313, s({ eventID: int, net: optNetwork }), s({ callbackID: int })),
  connectNetworkEventDeregisterAny: p(314, s({ callbackID: int }), v),
  connectStoragePoolEventRegisterAny: p(
    368,
    s({ eventID: int, pool: optStoragePool }),
    s({ callbackID: int }),
  ),
  connectStoragePoolEventDeregisterAny: p(369, s({ callbackID: int }), v),

  // ---- snapshots -------------------------------------------------------------------------------
  domainSnapshotCreateXML: p(185, s({ dom, xml_desc: str, flags }), s({ snap })),
  domainSnapshotGetXMLDesc: p(186, snapFlags, xmlRet),
  domainSnapshotNum: p(187, domFlags, s({ num: int })),
  domainSnapshotLookupByName: p(189, s({ dom, name: str, flags }), s({ snap })),
  domainHasCurrentSnapshot: p(190, domFlags, s({ result: int })),
  domainSnapshotCurrent: p(191, domFlags, s({ snap })),
  domainRevertToSnapshot: p(192, snapFlags, v),
  domainSnapshotDelete: p(193, snapFlags, v),
  domainSnapshotGetParent: p(244, snapFlags, s({ snap })),
  domainListAllSnapshots: p(
    274,
    s({ dom, need_results: int, flags }),
    s({ snapshots: array(snap, REMOTE_DOMAIN_SNAPSHOT_LIST_MAX), ret: int }),
  ),

  // ---- storage pools ---------------------------------------------------------------------------
  /** The sources a pool type's backend finds (iSCSI targets on a portal, NFS exports, volume groups), as XML. */
  connectFindStoragePoolSources: p(75, s({ type: str, srcSpec: optString, flags }), xmlRet),
  storagePoolCreateXML: p(76, s({ xml: str, flags }), s({ pool })),
  storagePoolDefineXML: p(77, s({ xml: str, flags }), s({ pool })),
  storagePoolCreate: p(78, poolFlags, v),
  storagePoolBuild: p(79, poolFlags, v),
  storagePoolDestroy: p(80, poolOnly, v),
  storagePoolDelete: p(81, poolFlags, v),
  storagePoolUndefine: p(82, poolOnly, v),
  storagePoolRefresh: p(83, poolFlags, v),
  storagePoolLookupByName: p(84, s({ name: str }), s({ pool })),
  storagePoolLookupByUUID: p(85, s({ uuid }), s({ pool })),
  storagePoolLookupByVolume: p(86, s({ vol }), s({ pool })),
  storagePoolGetInfo: p(
    87,
    poolOnly,
    s({ state: uchar, capacity: uhyper, allocation: uhyper, available: uhyper }),
  ),
  storagePoolGetXMLDesc: p(88, poolFlags, xmlRet),
  storagePoolGetAutostart: p(89, poolOnly, autostartRet),
  storagePoolSetAutostart: p(90, s({ pool, autostart: int }), v),
  storagePoolIsActive: p(154, poolOnly, s({ active: int })),
  storagePoolIsPersistent: p(155, poolOnly, s({ persistent: int })),
  connectListAllStoragePools: p(
    281,
    s({ need_results: int, flags }),
    s({ pools: array(pool, REMOTE_STORAGE_POOL_LIST_MAX), ret: uint }),
  ),
  /** Which pool types this daemon's storage driver supports (libvirt ≥ 5.2), as XML. */
  connectGetStoragePoolCapabilities: p(403, s({ flags }), s({ capabilities: str })),
  storagePoolListAllVolumes: p(
    282,
    s({ pool, need_results: int, flags }),
    s({ vols: array(vol, REMOTE_STORAGE_VOL_LIST_MAX), ret: uint }),
  ),

  // ---- storage volumes -------------------------------------------------------------------------
  storageVolCreateXML: p(93, s({ pool, xml: str, flags }), s({ vol })),
  storageVolDelete: p(94, volFlags, v),
  storageVolLookupByName: p(95, s({ pool, name: str }), s({ vol })),
  storageVolLookupByKey: p(96, s({ key: str }), s({ vol })),
  storageVolLookupByPath: p(97, s({ path: str }), s({ vol })),
  storageVolGetInfo: p(98, s({ vol }), s({ type: char, capacity: uhyper, allocation: uhyper })),
  storageVolGetXMLDesc: p(99, volFlags, xmlRet),
  storageVolGetPath: p(100, s({ vol }), s({ name: str })),
  storageVolCreateXMLFrom: p(125, s({ pool, xml: str, clonevol: vol, flags }), s({ vol })),
  storageVolWipe: p(165, volFlags, v),
  storageVolUpload: p(208, s({ vol, offset: uhyper, length: uhyper, flags }), v, 'write'),
  storageVolDownload: p(209, s({ vol, offset: uhyper, length: uhyper, flags }), v, 'read'),
  storageVolResize: p(260, s({ vol, capacity: uhyper, flags }), v),

  // ---- networks --------------------------------------------------------------------------------
  networkCreate: p(39, netOnly, v),
  networkCreateXML: p(40, s({ xml: str }), s({ net })),
  networkDefineXML: p(41, s({ xml: str }), s({ net })),
  networkDestroy: p(42, netOnly, v),
  networkGetXMLDesc: p(43, s({ net, flags }), xmlRet),
  networkGetAutostart: p(44, netOnly, autostartRet),
  networkGetBridgeName: p(45, netOnly, s({ name: str })),
  networkLookupByName: p(46, s({ name: str }), s({ net })),
  networkLookupByUUID: p(47, s({ uuid }), s({ net })),
  networkSetAutostart: p(48, s({ net, autostart: int }), v),
  networkUndefine: p(49, netOnly, v),
  networkIsActive: p(152, netOnly, s({ active: int })),
  networkIsPersistent: p(153, netOnly, s({ persistent: int })),
  networkUpdate: p(291, s({ net, command: uint, section: uint, parentIndex: int, xml: str, flags }), v),
  connectListAllNetworks: p(
    283,
    s({ need_results: int, flags }),
    s({ nets: array(net, REMOTE_NETWORK_LIST_MAX), ret: uint }),
  ),
  networkGetDHCPLeases: p(
    341,
    s({ net, mac: optString, need_results: int, flags }),
    s({ leases: array(networkDhcpLease, REMOTE_NETWORK_DHCP_LEASES_MAX), ret: uint }),
  ),

  // ---- node devices and host interfaces --------------------------------------------------------
  nodeDeviceLookupByName: p(113, s({ name: str }), s({ dev: nodeDev })),
  nodeDeviceGetXMLDesc: p(114, s({ name: str, flags }), xmlRet),
  interfaceLookupByName: p(128, s({ name: str }), s({ iface })),
  interfaceGetXMLDesc: p(130, s({ iface, flags }), xmlRet),
  connectListAllInterfaces: p(
    284,
    s({ need_results: int, flags }),
    s({ ifaces: array(iface, REMOTE_INTERFACE_LIST_MAX), ret: uint }),
  ),
  connectListAllNodeDevices: p(
    285,
    s({ need_results: int, flags }),
    s({ devices: array(nodeDev, REMOTE_NODE_DEVICE_LIST_MAX), ret: uint }),
  ),
} as const satisfies Record<string, ProcedureDef>;

/**
 * Event messages (type MESSAGE, status OK) the daemon pushes after a successful
 * `connect*EventRegisterAny`. The `callbackID` ties a message to its registration.
 */
export const eventMessages = {
  domainEventCallbackLifecycle: {
    proc: 318,
    msg: s({ callbackID: int, msg: s({ dom, event: int, detail: int }) }),
  },
  domainEventCallbackReboot: { proc: 319, msg: s({ callbackID: int, msg: s({ dom }) }) },
  domainEventCallbackRtcChange: {
    proc: 320,
    msg: s({ callbackID: int, msg: s({ dom, offset: hyper }) }),
  },
  domainEventCallbackWatchdog: { proc: 321, msg: s({ callbackID: int, msg: s({ dom, action: int }) }) },
  domainEventCallbackIoError: {
    proc: 322,
    msg: s({ callbackID: int, msg: s({ dom, srcPath: str, devAlias: str, action: int }) }),
  },
  domainEventCallbackGraphics: {
    proc: 323,
    msg: s({
      callbackID: int,
      msg: s({
        dom,
        phase: int,
        local: domainEventGraphicsAddress,
        remote: domainEventGraphicsAddress,
        authScheme: str,
        subject: domainEventGraphicsSubject,
      }),
    }),
  },
  domainEventCallbackControlError: { proc: 325, msg: s({ callbackID: int, msg: s({ dom }) }) },
  domainEventCallbackBalloonChange: {
    proc: 331,
    msg: s({ callbackID: int, msg: s({ dom, actual: uhyper }) }),
  },
  domainEventCallbackDeviceRemoved: {
    proc: 333,
    msg: s({ callbackID: int, msg: s({ dom, devAlias: str }) }),
  },
  domainEventCallbackTunable: {
    proc: 346,
    msg: s({ callbackID: int, dom, params: typedParams(REMOTE_DOMAIN_EVENT_TUNABLE_MAX) }),
  },
  domainEventCallbackAgentLifecycle: {
    proc: 348,
    msg: s({ callbackID: int, dom, state: int, reason: int }),
  },
  domainEventCallbackDeviceAdded: { proc: 354, msg: s({ callbackID: int, dom, devAlias: str }) },
  domainEventCallbackJobCompleted: {
    proc: 363,
    msg: s({ callbackID: int, dom, params: typedParams(REMOTE_DOMAIN_JOB_STATS_MAX) }),
  },
  domainEventCallbackDeviceRemovalFailed: { proc: 367, msg: s({ callbackID: int, dom, devAlias: str }) },
  networkEventLifecycle: { proc: 315, msg: s({ callbackID: int, net, event: int, detail: int }) },
  storagePoolEventLifecycle: { proc: 370, msg: s({ callbackID: int, pool, event: int, detail: int }) },
  storagePoolEventRefresh: { proc: 373, msg: s({ callbackID: int, pool }) },
} as const satisfies Record<string, EventMessageDef>;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
export type ProcArgs<N extends ProcedureName> = XdrValue<Procedures[N]['args']>;
export type ProcRet<N extends ProcedureName> = XdrValue<Procedures[N]['ret']>;

export type EventMessages = typeof eventMessages;
export type EventMessageName = keyof EventMessages;
export type EventMessageBody<N extends EventMessageName> = XdrValue<EventMessages[N]['msg']>;

/** proc number → event name, for dispatching incoming MESSAGE packets. */
export const eventMessageByProc: ReadonlyMap<number, EventMessageName> = new Map(
  (Object.keys(eventMessages) as EventMessageName[]).map((name) => [eventMessages[name].proc, name]),
);

/** Procedure names of the table, in declaration order. */
export const procedureNames = Object.keys(procedures) as ProcedureName[];
