import { useState } from 'react';
import type { ReadinessItemView } from '../../../../shared/contract/host.js';
import { useCall } from '../../api/hooks.js';
import type { HostPageProps } from '../../shell/registry.js';
import { catalogs, tn, useLanguage, useT } from '../../i18n/index.js';
import './host.css';

const copy = async (text: string): Promise<boolean> => {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
};

const CopyButton = ({ text, testId }: { text: string; testId?: string }) => {
  const t = useT();
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="btn small"
      data-testid={testId}
      onClick={() =>
        void copy(text).then((ok) => {
          setDone(ok);
          if (ok) setTimeout(() => setDone(false), 1500);
        })
      }
    >
      {done ? t('readiness.copied') : t('readiness.copy')}
    </button>
  );
};

const Item = ({ item }: { item: ReadinessItemView }) => {
  const t = useT();
  const lang = useLanguage();
  const key = `readiness.${item.id}.${item.reason}`;
  // English: main's own sentence (names the user/URI); other languages: the catalog's when it has one
  const why = lang !== 'en' && catalogs[lang][key] ? t(key, { detail: item.detail }) : item.message;
  return (
    <li className="readiness-item" data-status={item.status} data-testid={`readiness-item-${item.id}`}>
      <div className="head">
        <span className="badge" data-testid="readiness-status">
          {t(`readiness.status.${item.status}`)}
        </span>
        <strong>{t(`readiness.${item.id}.title`)}</strong>
      </div>
      <p className="why">{why}</p>
      {item.detail && item.status !== 'pass' && <p className="detail dim mono">{item.detail}</p>}
      {item.noteKey && <p className="detail">{t(`readiness.note.${item.noteKey}`)}</p>}
      {item.fix && (
        <div className="readiness-fix" data-testid="readiness-fix">
          {(
            [
              ['debian', t('readiness.debian'), item.fix.debian],
              ['fedora', t('readiness.fedora'), item.fix.fedora],
            ] as const
          ).map(([id, label, cmds]) =>
            cmds.length ? (
              <div key={id}>
                <div className="distro">
                  {label}
                  <CopyButton text={cmds.join('\n')} testId={`readiness-copy-${id}`} />
                </div>
                <pre className="mono" data-testid={`readiness-fix-${id}`}>
                  {cmds.join('\n')}
                </pre>
              </div>
            ) : null,
          )}
        </div>
      )}
    </li>
  );
};

/** The KVM readiness check for a connection's host, or for a URI (first run). */
export const ReadinessCheck = (props: { connectionId: string } | { uri: string }) => {
  const t = useT();
  const input = 'connectionId' in props ? { connectionId: props.connectionId } : { uri: props.uri };
  const r = useCall('host.readiness', input);
  const report = r.data;
  const failed = report?.items.filter((i) => i.status === 'fail').length ?? 0;
  return (
    <div className="host-page clamp" data-testid="readiness">
      <div className="readiness-summary">
        <h2
          style={{ margin: 0, flex: 1 }}
          data-testid="readiness-summary"
          data-ok={report ? String(report.ok) : ''}
        >
          {!report
            ? r.error
              ? r.error.message
              : t('readiness.checking')
            : report.ok
              ? t('readiness.ready')
              : tn('readiness.notReady', failed)}
        </h2>
        <button type="button" className="btn" onClick={r.reload} disabled={r.loading}>
          {t('readiness.recheck')}
        </button>
      </div>
      {report && (
        <p className="dim">
          {t(report.where === 'local' ? 'readiness.whereLocal' : 'readiness.whereRemote', {
            host: report.host || '—',
            uri: report.uri,
          })}
        </p>
      )}
      {report?.factsError && (
        <p className="error-text" role="alert">
          {t('readiness.factsError')} <span className="mono">{report.factsError}</span>
        </p>
      )}
      {report && (
        <ul className="readiness-list">
          {report.items.map((i) => (
            <Item key={i.id} item={i} />
          ))}
        </ul>
      )}
    </div>
  );
};

export const ReadinessPage = ({ connectionId }: HostPageProps) => (
  <ReadinessCheck connectionId={connectionId} />
);
