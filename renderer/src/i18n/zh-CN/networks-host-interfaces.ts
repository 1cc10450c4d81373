export default {
  'networks.hostIfaces.title': '主机的接口和网桥',
  'networks.hostIfaces.none': 'libvirt 未列出此主机上的任何接口。',
  'networks.hostIfaces.up': '已启用',
  'networks.hostIfaces.down': '已停用',
};
