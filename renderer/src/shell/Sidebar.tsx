import { useT } from '../i18n/index.js';
import { getRegistry } from './registry.js';

/** The sidebar frame; its header button and content come from features. */
export const Sidebar = () => {
  const t = useT();
  const { sidebarStart: Start, sidebarContent: Content } = getRegistry().slots;
  return (
    <nav className="sidebar" aria-label={t('nav.sidebar')}>
      <header className="headerbar">
        <div className="start">{Start && <Start />}</div>
        <div className="title">VirtDesk</div>
        <div className="end" style={{ width: 34 }} />
      </header>
      <div className="sidebar-scroll">{Content && <Content />}</div>
    </nav>
  );
};
