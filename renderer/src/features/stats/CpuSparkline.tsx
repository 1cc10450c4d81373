import { useEffect, useRef } from 'react';
import type { VmListCellProps } from '../../shell/registry.js';
import { SPARK_H, SPARK_W, sparkHub } from './sparkHub.js';

/** CPU % of the last minute for one VM-list row (fixed 84×24 slot); drawn outside React. */
export const CpuSparkline = ({ connectionId, vmUuid }: VmListCellProps) => {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const hub = sparkHub(connectionId);
    hub.attach(vmUuid, canvas);
    return () => hub.detach(vmUuid, canvas);
  }, [connectionId, vmUuid]);
  return (
    <canvas
      ref={ref}
      className="cpu-sparkline"
      style={{ width: SPARK_W, height: SPARK_H, display: 'block' }}
      aria-hidden="true"
      data-testid="cpu-sparkline"
    />
  );
};
