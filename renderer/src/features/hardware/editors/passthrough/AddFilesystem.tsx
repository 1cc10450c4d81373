/**
 * Add hardware → Shared folder (virtiofs): a folder on the host and the tag the guest mounts it by. When
 * the VM's memory is not shared yet, turning it on is offered in the same change, with the reason.
 */
import { useMemo, useState } from 'react';
import type { FilesystemAdd } from '../../../../../../shared/contract/hardware.js';
import { useT } from '../../../../i18n/index.js';
import { CheckField, TextField } from '../../../../ui/Field.js';
import { checkChange, type HwFieldIssues } from '../../issues.js';
import { AdderForm } from '../bar.js';
import type { HwAdderProps } from '../types.js';

/** A tag no share of the VM uses yet: share, share1, share2, … */
const freeTag = (taken: readonly (string | null)[]): string => {
  for (let i = 0; ; i++) {
    const tag = i === 0 ? 'share' : `share${i}`;
    if (!taken.includes(tag)) return tag;
  }
};

export const AddFilesystem = (props: HwAdderProps) => {
  const t = useT();
  const { hw } = props;
  const needsMemory = !hw.config.filesystem.sharedMemory;
  const [source, setSource] = useState('');
  const [tag, setTag] = useState(() => freeTag(hw.config.filesystem.shares.map((s) => s.tag)));
  const [memory, setMemory] = useState(true);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const { change, issues } = useMemo(() => {
    const c: FilesystemAdd = {
      kind: 'filesystem.add',
      source: source.trim(),
      tag: tag.trim(),
      ...(needsMemory ? { sharedMemory: memory } : {}),
    };
    const found: Record<string, string> = { ...checkChange(c) };
    if (needsMemory && !memory) found['sharedMemory'] = t('hwp.fs.memoryNeeded');
    return { change: c, issues: found };
  }, [source, tag, memory, needsMemory, t]);
  const shown = { ...issues, ...remote };
  const touched = () => setRemote({});
  return (
    <AdderForm
      p={props}
      titleId="hwp-add-fs-title"
      title={t('hwp.addFs.title')}
      testId="hw-add-filesystem-form"
      itemId="add-filesystem"
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
    >
      <TextField
        id="hwp-add-fs-source"
        label={t('hwp.fs.source')}
        value={source}
        onChange={(v) => {
          setSource(v);
          touched();
        }}
        placeholder="/srv/share"
        error={source ? (shown['source'] ?? null) : null}
        autoComplete="off"
        spellCheck={false}
        data-testid="hwp-add-fs-source"
      />
      <TextField
        id="hwp-add-fs-tag"
        label={t('hwp.fs.tag')}
        value={tag}
        onChange={(v) => {
          setTag(v);
          touched();
        }}
        hint={<span className="dim">{t('hwp.fs.tagHint', { tag: tag.trim() || 'share' })}</span>}
        error={shown['tag'] ?? null}
        autoComplete="off"
        spellCheck={false}
        data-testid="hwp-add-fs-tag"
      />
      {needsMemory && (
        <div className="hwp-memory" data-testid="hwp-add-fs-memory">
          <CheckField
            label={t('hwp.fs.memory')}
            checked={memory}
            onChange={(v) => {
              setMemory(v);
              touched();
            }}
          />
          <p className="dim">{t('hwp.fs.memoryWhy')}</p>
          {shown['sharedMemory'] && <p className="error-text">{shown['sharedMemory']}</p>}
        </div>
      )}
    </AdderForm>
  );
};
