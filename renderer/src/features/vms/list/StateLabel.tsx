import { useT } from '../../../i18n/index.js';
import { Icon, stateIcon } from '../../../ui/icons.js';

/** A VM's state with its icon and colour (list rows, Overview). */
export const StateLabel = ({ state }: { state: string }) => {
  const t = useT();
  return (
    <span className={`state ${state}`} data-state={state}>
      <Icon name={stateIcon(state)} />
      {t(`state.${state}`)}
    </span>
  );
};
