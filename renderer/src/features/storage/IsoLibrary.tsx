import type { IsoImage } from '../../../../shared/contract/storage.js';
import { useCall, useEvent } from '../../api/hooks.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Name } from '../../ui/Name.js';
import { fmtBytes } from './format.js';

/** The ISO library of a connection, kept current by storage changes (pool events, our own actions). */
export const useIsoLibrary = (connectionId: string | null) => {
  const isos = useCall('storage.isos', connectionId ? { connectionId } : null);
  useEvent('storage.changed', (p) => {
    if (p.connectionId === connectionId) isos.reload();
  });
  return isos;
};

/** "Debian 11" (from the label) / "Ubuntu 22.04 (by its name)" / "Unknown (label XYZ)". */
export const useIsoOsText = () => {
  const t = useT();
  return (iso: IsoImage): string => {
    if (iso.os) return iso.osFrom === 'name' ? t('isolib.osByName', { os: iso.os.name }) : iso.os.name;
    return iso.volumeId ? t('isolib.osUnknownLabel', { label: iso.volumeId }) : t('isolib.osUnknown');
  };
};

/**
 * The Storage page's "ISO images" section: every ISO image of the connection's running pools, with its
 * pool, size and the OS it installs (read from its volume label, else guessed from its name).
 */
export const IsoLibrarySection = ({ connectionId }: { connectionId: string }) => {
  const t = useT();
  const isos = useIsoLibrary(connectionId);
  const osText = useIsoOsText();
  const list = isos.data?.isos ?? [];
  return (
    <section className="iso-library" aria-labelledby="iso-library-title" data-testid="iso-library">
      <h3 id="iso-library-title" className="section-title">
        {t('isolib.title')}
      </h3>
      {isos.error && <FailureNote message={t('isolib.failed')} detail={isos.error.message} />}
      <table className="host-table iso-table">
        <caption className="sr-only">{t('isolib.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('isolib.col.name')}</th>
            <th scope="col">{t('isolib.col.os')}</th>
            <th scope="col">{t('isolib.col.pool')}</th>
            <th scope="col" className="num">
              {t('isolib.col.size')}
            </th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 ? (
            <tr>
              <td colSpan={4} className="dim">
                {isos.data === undefined ? t('common.loading') : t('isolib.none')}
              </td>
            </tr>
          ) : (
            list.map((iso) => (
              <tr key={iso.path} data-testid="iso-row" data-name={iso.volume}>
                <td>
                  <Name>{iso.volume}</Name>
                  {iso.detectedBy !== 'content' && (
                    <span className="sub dim">{t(`isolib.detectedBy.${iso.detectedBy}`)}</span>
                  )}
                </td>
                <td>{osText(iso)}</td>
                <td>
                  <Name>{iso.pool}</Name>
                </td>
                <td className="num">{fmtBytes(iso.capacity)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
};
