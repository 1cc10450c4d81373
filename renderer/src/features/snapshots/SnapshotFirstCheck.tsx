/** The "Take a snapshot first" checkbox of the XML tab and the Hardware tab's editors (see snapshotFirst.ts). */
import { useT } from '../../i18n/index.js';

/** The checkbox: unchecked unless the person ticks it for this change. */
export const SnapshotFirstCheck = ({
  checked,
  onChange,
  disabled,
  className,
  testId,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  className?: string;
  testId: string;
}) => {
  const t = useT();
  return (
    <label className={`check-row ${className ?? ''}`.trim()}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
      {t('xmleditor.snapshotFirst')}
    </label>
  );
};
