/** 修改网络的 DHCP 地址范围（网络页）。 */
export default {
  'netrange.title': 'DHCP 地址范围',
  'netrange.titleFamily': 'DHCP 地址范围（{family}）',
  'netrange.hint': '同时修改运行中的网络及其定义。',
  'netrange.hintStopped': '修改网络定义；网络启动时生效。',
  'netrange.label': 'DHCP 地址范围 {start} 至 {end}',
  'netrange.start': '起始地址',
  'netrange.end': '结束地址',
  'netrange.apply': '应用',
  'netrange.done': '{network} 的 DHCP 地址范围已改为 {start} 至 {end}',
  'netrange.failed': '无法修改 DHCP 地址范围。',
};
