export default {
  'remedy.startNetworkRetry': '启动网络“{network}”并重试',
  'remedy.startPoolRetry': '启动存储池“{pool}”并重试',
};
