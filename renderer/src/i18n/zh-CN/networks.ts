export default {
  'remedy.startNetworkRetry': '启动网络“{network}”并重试',
};
