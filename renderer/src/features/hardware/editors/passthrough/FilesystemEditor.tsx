/** A shared folder: host folder, tag (and how the guest mounts it), driver, Remove. */
import { useT } from '../../../../i18n/index.js';
import { RemoveDevice } from '../devices/RemoveDevice.js';
import type { HwEditorProps } from '../types.js';
import { Facts, nthOf } from './common.js';

export const FilesystemEditor = (props: HwEditorProps) => {
  const t = useT();
  const { hw, item } = props;
  const n = nthOf(item.id);
  const fs = n === null ? undefined : hw.config.filesystem.shares[n];
  if (!fs) return <p className="dim">{t('hwp.gone')}</p>;
  const title = t('hwp.fs.title', { tag: fs.tag ?? '' });
  return (
    <section aria-labelledby="hwp-fs-title" data-testid="hw-editor-filesystem">
      <h3 id="hwp-fs-title" className="section-title">
        {title}
      </h3>
      <Facts
        rows={[
          [t('hwp.fs.source'), fs.source],
          [t('hwp.fs.tag'), fs.tag],
          [t('hwp.fs.driver'), fs.driver ?? t('hwd.default')],
          [t('hwp.fs.readonly'), fs.readonly ? t('hwp.yes') : null],
        ]}
      />
      {fs.driver === 'virtiofs' && fs.tag && (
        <p className="dim">
          {t('hwp.fs.mountHint')} <code>mount -t virtiofs {fs.tag} /mnt</code>
        </p>
      )}
      {fs.tag && (
        <RemoveDevice
          connectionId={props.connectionId}
          vmUuid={props.vmUuid}
          vmName={props.vmName}
          running={props.running}
          change={{ kind: 'filesystem.remove', tag: fs.tag }}
          label={title}
          onApplied={props.onApplied}
        />
      )}
    </section>
  );
};
