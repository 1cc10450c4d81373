import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { features } from './features/index.js';
import { getLanguage } from './i18n/index.js';
import { App, installShell } from './shell/index.js';
import './styles.css';

// The one place where the shell meets the features: their declarative list fills the shell's registry.
installShell(features);
document.documentElement.lang = getLanguage();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
