/** One drop-down with its own Apply bar (a video model, a sound card, a watchdog's action…). */
import { useMemo, useState } from 'react';
import type { HardwareChange } from '../../../../../../shared/contract/hardware.js';

import { checkChange, type HwFieldIssues } from '../../issues.js';
import { EditorSection } from '../bar.js';
import { ChoiceField } from '../fields.js';
import type { HwEditorProps } from '../types.js';

export const ChoiceSection = ({
  p,
  id,
  title,
  label,
  field,
  now,
  options,
  optionLabel,
  changeFor,
}: {
  p: HwEditorProps;
  id: string;
  /** A heading over the drop-down, when its label alone does not say enough. */
  title?: string;
  label: string;
  /** The change's field the drop-down sets (where a refusal lands). */
  field: string;
  now: string;
  options: readonly string[];
  optionLabel?: (o: string) => string;
  changeFor: (value: string) => HardwareChange;
}) => {
  const [value, setValue] = useState(now);
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const { change, issues } = useMemo(() => {
    if (value === now) return { change: null, issues: {} };
    const c = changeFor(value);
    return { change: c, issues: checkChange(c) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, now]);
  const shown: HwFieldIssues = { ...issues, ...remote };
  const all = options.includes(now) || !now ? options : [now, ...options];
  return (
    <EditorSection
      p={p}
      section={id}
      titleId={`${id}-title`}
      title={title}
      testId={id}
      change={change}
      invalid={Object.keys(shown).length > 0}
      onIssues={setRemote}
      onRevert={() => {
        setValue(now);
        setRemote({});
      }}
    >
      <ChoiceField
        id={`${id}-select`}
        label={label}
        value={value}
        onChange={(v) => {
          setValue(v);
          setRemote({});
        }}
        error={shown[field]}
        options={all}
        optionLabel={optionLabel}
      />
    </EditorSection>
  );
};
