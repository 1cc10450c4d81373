import { useEffect, useRef } from 'react';
import type { Route } from '../store/route.js';
import { getRegistry } from './registry.js';

/** Ctrl on Linux/Windows, ⌘ on macOS. */
export const ctrlKey = (e: KeyboardEvent): boolean => e.ctrlKey || e.metaKey;

/**
 * Runs the registered global shortcuts while no dialog is open. The first shortcut whose `match`
 * accepts the key and whose `run` does not decline it wins; the browser's default is then prevented.
 */
export const useGlobalShortcuts = (route: Route): void => {
  const routeRef = useRef(route);
  useEffect(() => {
    routeRef.current = route;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (document.querySelector('dialog[open]')) return;
      for (const s of getRegistry().shortcuts) {
        if (!s.match?.(e) || !s.run) continue;
        if (s.run(routeRef.current) === false) continue;
        e.preventDefault();
        return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
};
