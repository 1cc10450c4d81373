/** ISO 镜像库（存储页、新建虚拟机对话框）与就地上传 ISO。 */
export default {
  'isolib.title': 'ISO 镜像',
  'isolib.failed': '无法列出此连接存储池中的 ISO 镜像。',
  'isolib.none': '运行中的存储池里没有 ISO 镜像。',
  'isolib.col.name': '镜像',
  'isolib.col.os': '操作系统',
  'isolib.col.pool': '存储池',
  'isolib.col.size': '大小',
  'isolib.osByName': '{os}（按文件名）',
  'isolib.osUnknown': '未知',
  'isolib.osUnknownLabel': '未知（卷标“{label}”）',
  'isolib.detectedBy.format': '按 libvirt 的格式识别为 ISO（此连接无法读取内容）',
  'isolib.detectedBy.name': '按文件名识别为 ISO（此连接无法读取内容）',
  'newvm.isoLibrary': '或从 ISO 镜像库中选择',
  'newvm.isoLibraryNone': '此主机存储池中有 {count} 个 ISO 镜像…',
  'newvm.isoLibraryEntry': '{name} — {os} · {size} · 存储池 {pool}',
};
