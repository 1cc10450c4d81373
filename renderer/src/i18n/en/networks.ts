export default {
  'remedy.startNetworkRetry': "Start network '{network}' and retry",
  'remedy.startPoolRetry': "Start storage pool '{pool}' and retry",
};
