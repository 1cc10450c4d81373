import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import type { VmTabProps } from '../../shell/registry.js';
import { showToast } from '../../store/toasts.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Icon, Spinner } from '../../ui/icons.js';
import { XmlDiffView } from '../../ui/XmlDiffView.js';
import { XmlEditor } from '../../ui/XmlEditor.js';
import { SnapshotFirstCheck } from '../snapshots/SnapshotFirstCheck.js';
import { takeSnapshotFirst } from '../snapshots/snapshotFirst.js';
import { xmlProblem } from './checks.js';
import './xmleditor.css';

type Loaded = CallOutput<'domainxml.load'>;
/** view: read-only; edit: the next-boot XML editable; review: the diff before Apply. */
type Mode = 'view' | 'edit' | 'review';
interface Failure {
  message: string;
  detail?: string;
  /** The VM changed elsewhere: offer to reload. */
  conflict?: boolean;
}

/**
 * Edits in progress, by VM: leaving the tab (or the VM's page) and coming back resumes the edit instead of
 * losing it. Cleared by Cancel and by a successful Apply.
 */
const unsaved = new Map<string, { base: string; draft: string }>();

/**
 * A VM's domain XML: the next-boot (inactive) definition, editable, and while the VM runs its running
 * (live) definition, read-only. Edit → Review changes (Ctrl+S) shows the diff → Apply defines it with
 * libvirt's validation (optionally after a snapshot), or Back to editing (Esc).
 */
export const XmlTab = ({ connectionId, vmUuid, vmName, state }: VmTabProps) => {
  const t = useT();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [which, setWhich] = useState<'inactive' | 'live'>('inactive');
  const key = `${connectionId}/${vmUuid}`;
  const resumed = unsaved.get(key);
  const [mode, setMode] = useState<Mode>(resumed ? 'edit' : 'view');
  const [base, setBase] = useState(resumed?.base ?? '');
  const [draft, setDraftState] = useState(resumed?.draft ?? '');
  const setDraft = (text: string): void => {
    setDraftState(text);
    if (mode !== 'view') unsaved.set(key, { base, draft: text });
  };
  const [failure, setFailure] = useState<Failure | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [snapshotFirst, setSnapshotFirst] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const applyButton = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const ref = { connectionId, uuid: vmUuid };

  const load = useCallback(
    (): Promise<Loaded | null> =>
      getApi()
        .call('domainxml.load', { connectionId, uuid: vmUuid })
        .then(
          (l) => {
            setLoaded(l);
            setLoadError(null);
            if (!l.live) setWhich('inactive');
            return l;
          },
          (e: unknown) => {
            setLoadError(toApiError(e).message);
            return null;
          },
        ),
    [connectionId, vmUuid],
  );

  // (Re)load on open and whenever the VM starts or stops while nobody is editing (the live XML comes
  // and goes); an edit in progress keeps its base, the define checks it is still current.
  useEffect(() => {
    if (mode === 'view' || !loaded) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load, state]);

  const startEditing = (from: Loaded): void => {
    setBase(from.inactive);
    setDraftState(from.inactive);
    unsaved.set(key, { base: from.inactive, draft: from.inactive });
    setWhich('inactive');
    setFailure(null);
    setSaved(null);
    setMode('edit');
  };

  const review = (): void => {
    if (mode !== 'edit') return;
    if (draft === base) {
      setFailure({ message: t('xmleditor.nothingChanged') });
      return;
    }
    const problem = xmlProblem(draft);
    if (problem) {
      setFailure({ message: t('xmleditor.malformed', { detail: problem }) });
      return;
    }
    setFailure(null);
    setMode('review');
    requestAnimationFrame(() => applyButton.current?.focus());
  };

  const backToEditing = (): void => setMode('edit');

  const cancel = (): void => {
    unsaved.delete(key);
    setMode('view');
    setFailure(null);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  const reloadAfterConflict = async (): Promise<void> => {
    const l = await load();
    if (l) startEditing(l);
  };

  const apply = async (): Promise<void> => {
    setFailure(null);
    if (snapshotFirst && loaded?.internalSnapshots) {
      try {
        await takeSnapshotFirst(ref, 'xml-edit', t('xmleditor.snapshotDescription'), (name) =>
          setBusy(t('xmleditor.snapshotting', { name })),
        );
      } catch (e) {
        setBusy(null);
        setFailure({
          message: t('xmleditor.failed.snapshot', { vm: vmName }),
          detail: toApiError(e).message,
        });
        return;
      }
    }
    setBusy(t('xmleditor.applying'));
    try {
      const r = await getApi().call('domainxml.define', { ...ref, xml: draft, expectedXml: base });
      const note = r.active ? t('xmleditor.savedNextBoot') : t('xmleditor.saved');
      setSaved(note);
      showToast(note);
      // A snapshot is asked for per change: the next edit does not take one unless asked again.
      setSnapshotFirst(false);
      unsaved.delete(key);
      setMode('view');
      setWhich('inactive');
      setLoaded((l) => (l ? { ...l, inactive: r.xml } : l));
      void load();
      requestAnimationFrame(() => editButton.current?.focus());
    } catch (e) {
      const err = toApiError(e);
      setFailure(
        err.code === 'libvirt'
          ? { message: t('xmleditor.failed.refused', { vm: vmName }), detail: err.message }
          : err.code === 'conflict'
            ? { message: err.message, conflict: true }
            : err.code === 'invalid-input'
              ? { message: err.message }
              : { message: t('xmleditor.failed.define', { vm: vmName }), detail: err.message },
      );
      setMode('edit');
    } finally {
      setBusy(null);
    }
  };

  const copy = (text: string): void => {
    navigator.clipboard.writeText(text).then(
      () => showToast(t('xmleditor.copied')),
      () => showToast(t('xmleditor.copyFailed'), 'error'),
    );
  };

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (busy) return;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (mode === 'edit') review();
    } else if (e.key === 'Escape' && mode === 'review') {
      e.preventDefault();
      backToEditing();
    }
  };

  if (!loaded) {
    return (
      <div className="clamp" data-testid="vm-xml-tab">
        {loadError ? (
          <FailureNote message={t('xmleditor.failed.load', { vm: vmName })} detail={loadError} />
        ) : (
          <Spinner label={t('common.loading')} />
        )}
      </div>
    );
  }

  const shown = which === 'live' && loaded.live !== null ? loaded.live : loaded.inactive;
  return (
    <div className="xml-tab" data-testid="vm-xml-tab" data-mode={mode} onKeyDown={onKeyDown}>
      <div className="xml-tab-toolbar">
        {mode === 'view' && (
          <>
            {loaded.live !== null ? (
              <div className="linked" role="group" aria-label={t('xmleditor.which')}>
                <button
                  type="button"
                  className="btn small flat"
                  aria-pressed={which === 'inactive'}
                  data-testid="xml-show-inactive"
                  onClick={() => setWhich('inactive')}
                >
                  {t('xmleditor.nextBoot')}
                </button>
                <button
                  type="button"
                  className="btn small flat"
                  aria-pressed={which === 'live'}
                  data-testid="xml-show-live"
                  onClick={() => setWhich('live')}
                >
                  {t('xmleditor.running')}
                </button>
              </div>
            ) : (
              <span className="dim xml-tab-hint" title={t('xmleditor.nextBootHint')}>
                {t('xmleditor.nextBootHint')}
              </span>
            )}
            <span className="spacer" />
            <button type="button" className="btn small" onClick={() => copy(shown)}>
              <Icon name="copy" />
              {t('xmleditor.copy')}
            </button>
            <button
              ref={editButton}
              type="button"
              className="btn small suggested"
              data-testid="xml-edit"
              disabled={which === 'live'}
              title={which === 'live' ? t('xmleditor.liveReadOnly') : undefined}
              onClick={() => startEditing(loaded)}
            >
              {t('xmleditor.edit')}
            </button>
          </>
        )}
        {mode === 'edit' && (
          <>
            <span className="dim xml-tab-hint" title={t('xmleditor.editingHint')}>
              {t('xmleditor.editingHint')}
            </span>
            <button type="button" className="btn small" data-testid="xml-cancel" onClick={cancel}>
              {t('xmleditor.cancel')}
            </button>
            <button
              type="button"
              className="btn small suggested"
              data-testid="xml-review"
              aria-keyshortcuts="Control+S"
              onClick={review}
            >
              {t('xmleditor.review')}
              <kbd className="xml-kbd">Ctrl+S</kbd>
            </button>
          </>
        )}
        {mode === 'review' && (
          <>
            <span className="dim xml-tab-hint" title={t('xmleditor.reviewHint')}>
              {t('xmleditor.reviewHint')}
            </span>
            {loaded.internalSnapshots && (
              <SnapshotFirstCheck
                checked={snapshotFirst}
                disabled={busy !== null}
                className="xml-snapshot-first"
                testId="xml-snapshot-first"
                onChange={setSnapshotFirst}
              />
            )}
            <button
              type="button"
              className="btn small"
              data-testid="xml-back"
              aria-keyshortcuts="Escape"
              disabled={busy !== null}
              onClick={backToEditing}
            >
              {t('xmleditor.back')}
            </button>
            <button
              ref={applyButton}
              type="button"
              className="btn small suggested"
              data-testid="xml-apply"
              disabled={busy !== null}
              onClick={() => void apply()}
            >
              {t('xmleditor.apply')}
            </button>
          </>
        )}
      </div>
      {busy && (
        <p role="status" className="xml-tab-note">
          <Spinner label={busy} /> {busy}
        </p>
      )}
      {saved && mode === 'view' && (
        <p role="status" className="xml-tab-note xml-saved" data-testid="xml-saved">
          <Icon name="check" /> {saved}
        </p>
      )}
      {failure && (
        <div className="xml-tab-note" data-testid="xml-failure">
          <FailureNote message={failure.message} detail={failure.detail} testId="xml-failure-note" />
          {failure.conflict && (
            <button type="button" className="btn small" onClick={() => void reloadAfterConflict()}>
              {t('xmleditor.reload')}
            </button>
          )}
        </div>
      )}
      {mode === 'review' && <XmlDiffView before={base} after={draft} />}
      {mode === 'edit' || mode === 'review' ? (
        <div key="edit" className="xml-tab-editor" hidden={mode === 'review'}>
          <XmlEditor
            value={draft}
            onChange={setDraft}
            onSave={review}
            ariaLabel={t('xmleditor.editorLabel', { vm: vmName })}
            autoFocus
            testId="xml-editor"
          />
        </div>
      ) : (
        <div key="view" className="xml-tab-editor">
          <XmlEditor
            value={shown}
            readOnly
            ariaLabel={t(which === 'live' ? 'xmleditor.liveLabel' : 'xmleditor.inactiveLabel', {
              vm: vmName,
            })}
            testId="vm-xml"
          />
        </div>
      )}
    </div>
  );
};
