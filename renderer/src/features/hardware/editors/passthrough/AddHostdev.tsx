/**
 * Add hardware → Host device: the host's USB and PCI devices by name, where they sit, the driver that
 * has them and what passing one through means — refused for what the host itself needs (bridges, root
 * hubs) or cannot pass through (no IOMMU group), a plain warning when a host driver uses it.
 */
import { useState } from 'react';
import type { HostDevice } from '../../../../../../shared/contract/hardware-hostdevs.js';
import type { HostdevAdd } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { FailureNote } from '../../../../ui/FailureNote.js';
import { Spinner } from '../../../../ui/icons.js';
import type { HwFieldIssues } from '../../issues.js';
import { AdderForm } from '../bar.js';
import type { HwAdderProps } from '../types.js';
import { deviceName, refused, sourceFor, useHostDevices } from './hostDevices.js';
import './passthrough.css';

export const hostDeviceNote = (t: ReturnType<typeof useT>, d: HostDevice): string | null =>
  d.status === 'host-driver'
    ? t(d.bus === 'pci' ? 'hwp.hostdev.status.pciDriver' : 'hwp.hostdev.status.usbDriver', {
        driver: d.driver ?? '',
      })
    : d.status === 'free'
      ? null
      : t(`hwp.hostdev.status.${d.status}`);

const DeviceGroup = ({
  legend,
  list,
  chosen,
  onChoose,
}: {
  legend: string;
  list: HostDevice[];
  chosen: string | null;
  onChoose: (name: string) => void;
}) => {
  const t = useT();
  return (
    <fieldset className="hwp-devices" data-testid={`hwp-devices-${legend}`}>
      <legend>{t(`hwp.hostdev.group.${legend}`)}</legend>
      {list.length === 0 && <p className="dim">{t(`hwp.hostdev.none.${legend}`)}</p>}
      {list.map((d) => {
        const note = hostDeviceNote(t, d);
        const no = refused(d);
        return (
          <label key={d.name} className={`hwp-device${no ? ' refused' : ''}`} data-device={d.name}>
            <input
              type="radio"
              name="hwp-hostdev"
              value={d.name}
              checked={chosen === d.name}
              disabled={no}
              onChange={() => onChoose(d.name)}
            />
            <span className="hwp-device-text">
              <span className="hwp-device-name">{deviceName(d)}</span>
              <span className="dim">
                {d.bus === 'pci'
                  ? d.address
                  : t('hwp.hostdev.usbWhere', {
                      bus: d.address.split('.')[0] ?? '',
                      device: d.address.split('.')[1] ?? '',
                    })}
                {deviceName(d) !== d.ids ? ` · ${d.ids}` : ''}
                {d.iommuGroup !== null ? ` · ${t('hwp.hostdev.iommu', { group: d.iommuGroup })}` : ''}
                {d.driver ? ` · ${t('hwp.hostdev.driverIs', { driver: d.driver })}` : ''}
              </span>
              {note && <span className={no ? 'error-text' : 'hwp-warn'}>{note}</span>}
              {d.usedBy.length > 0 && (
                <span className="hwp-warn">{t('hwp.hostdev.usedBy', { vms: d.usedBy.join(', ') })}</span>
              )}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
};

export const AddHostdev = (props: HwAdderProps) => {
  const t = useT();
  const { devices, error } = useHostDevices(props.connectionId);
  const [chosen, setChosen] = useState<string | null>(null);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const all = devices ?? [];
  const device = all.find((d) => d.name === chosen && !refused(d));
  const change: HostdevAdd | null = device ? { kind: 'hostdev.add', source: sourceFor(device, all) } : null;
  return (
    <AdderForm
      p={props}
      titleId="hwp-add-hostdev-title"
      title={t('hwp.addHostdev.title')}
      testId="hw-add-hostdev-form"
      itemId="add-hostdev"
      change={change}
      invalid={false}
      onIssues={setRemote}
    >
      {error && <FailureNote message={t('hwp.hostdev.listFailed')} detail={error} />}
      {!devices && !error && <Spinner label={t('common.loading')} />}
      {devices && (
        <>
          <DeviceGroup
            legend="usb"
            list={all.filter((d) => d.bus === 'usb')}
            chosen={chosen}
            onChoose={(n) => {
              setChosen(n);
              setRemote({});
            }}
          />
          <DeviceGroup
            legend="pci"
            list={all.filter((d) => d.bus === 'pci')}
            chosen={chosen}
            onChoose={(n) => {
              setChosen(n);
              setRemote({});
            }}
          />
        </>
      )}
      {remote['source'] && <p className="error-text">{remote['source']}</p>}
    </AdderForm>
  );
};
