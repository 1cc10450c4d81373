import { useT } from '../../i18n/index.js';
import { openDialog } from '../../shell/dialogs.js';
import { Icon } from '../../ui/icons.js';

/** The "+" at the start of the sidebar's header. */
export const AddConnectionButton = () => {
  const t = useT();
  return (
    <button
      type="button"
      className="btn flat icon"
      aria-label={t('connections.add.title')}
      title={t('connections.add.title')}
      data-testid="add-connection"
      onClick={() => openDialog({ kind: 'addConnection' })}
    >
      <Icon name="plus" />
    </button>
  );
};
