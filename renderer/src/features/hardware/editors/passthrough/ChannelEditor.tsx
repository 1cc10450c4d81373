/** A channel (guest agent, SPICE agent, …): what it is, the agent's state in the running VM, Remove. */
import { useT } from '../../../../i18n/index.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import type { HwEditorProps } from '../types.js';
import { Facts, nthOf } from './common.js';

export const channelTitle = (t: ReturnType<typeof useT>, name: string | null, type: string): string =>
  name === 'org.qemu.guest_agent.0'
    ? t('hwp.channel.guestAgent')
    : name === 'com.redhat.spice.0'
      ? t('hwp.channel.spiceAgent')
      : (name ?? type);

export const ChannelEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item } = props;
  const n = nthOf(item.id);
  const ch = n === null ? undefined : hw.config.channel[n];
  if (!ch) return <p className="dim">{t('hwp.gone')}</p>;
  const live = hw.live?.channel.find((c) => c.name === ch.name && c.type === ch.type);
  const title = channelTitle(t, ch.name, ch.type);
  return (
    <section aria-labelledby="hwp-channel-title" data-testid="hw-editor-channel">
      <h3 id="hwp-channel-title" className="section-title">
        {title}
      </h3>
      <Facts
        testId="hwp-channel-facts"
        rows={[
          [t('hwp.channel.port'), ch.name],
          [t('hwp.channel.type'), ch.type],
          [t('hwp.channel.hostSide'), live?.path ?? ch.path],
          [
            t('hwp.channel.state'),
            props.running
              ? live
                ? live.state
                  ? t(`hwp.channel.state.${live.state === 'connected' ? 'connected' : 'disconnected'}`)
                  : null
                : t('hwp.notInRunning')
              : null,
          ],
        ]}
      />
      {ch.name && (
        <RemoveDevice
          connectionId={props.connectionId}
          vmUuid={props.vmUuid}
          vmName={props.vmName}
          running={props.running}
          change={{ kind: 'channel.remove', name: ch.name }}
          label={title}
          onApplied={props.onApplied}
        />
      )}
    </section>
  );
};
