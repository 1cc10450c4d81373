export default {
  'action.cloneEllipsis': '克隆…',
  'clone.title': '克隆 {name}',
  'clone.body': '副本拥有自己的磁盘（在其存储池中复制）、UUID 和网络地址。安装映像保持共享。',
  'clone.confirm': '克隆',
  'clone.busy': '正在复制磁盘…',
  'clone.done': '已创建 {name}',
  'clone.failed': '无法克隆“{name}”。',
};
