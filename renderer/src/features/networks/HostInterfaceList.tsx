import type { HostInterface } from '../../../../shared/contract/networks.js';
import { useT } from '../../i18n/index.js';

/**
 * The host's interfaces and bridges as libvirt's interface driver lists them (read-only: VirtDesk never
 * changes the host's networking). The ones `eligible` for the field are buttons that fill it; the others
 * are listed dimmed, so the list still shows the whole host.
 */
export const HostInterfaceList = ({
  id,
  interfaces,
  eligible,
  selected,
  unavailable,
  disabled,
  onPick,
}: {
  id: string;
  interfaces: HostInterface[];
  eligible: (i: HostInterface) => boolean;
  selected: string;
  /** Why libvirt cannot list them (no interface driver; the field's hint says it), or null. */
  unavailable: string | null;
  disabled?: boolean;
  onPick: (name: string) => void;
}) => {
  const t = useT();
  if (unavailable) return null;
  if (interfaces.length === 0)
    return <p className="dim hint host-ifaces-note">{t('networks.hostIfaces.none')}</p>;
  const sorted = [...interfaces].sort((a, b) => Number(eligible(b)) - Number(eligible(a)));
  return (
    <div className="host-ifaces" data-testid={id}>
      <span className="host-ifaces-title">{t('networks.hostIfaces.title')}</span>
      <ul aria-label={t('networks.hostIfaces.title')}>
        {sorted.map((i) => {
          const content = (
            <>
              <span className="mono host-iface-name">{i.name}</span>
              <span className="host-iface-type">{i.type}</span>
              <span className="mono dim host-iface-mac">{i.mac}</span>
              <span className={i.active ? 'host-iface-up' : 'dim'}>
                {t(i.active ? 'networks.hostIfaces.up' : 'networks.hostIfaces.down')}
              </span>
            </>
          );
          return (
            <li key={i.name} data-name={i.name}>
              {eligible(i) ? (
                <button
                  type="button"
                  className="host-iface"
                  aria-pressed={selected === i.name}
                  disabled={disabled}
                  onClick={() => onPick(i.name)}
                >
                  {content}
                </button>
              ) : (
                <div className="host-iface ineligible">{content}</div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
};
