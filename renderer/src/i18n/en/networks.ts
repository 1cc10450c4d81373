export default {
  'remedy.startNetworkRetry': "Start network '{network}' and retry",
};
