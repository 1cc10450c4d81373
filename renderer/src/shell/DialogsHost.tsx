import type { ComponentType } from 'react';
import { useDialog, type DialogRequest } from './dialogs.js';
import { getRegistry } from './registry.js';

/** Renders the one open app-wide dialog with the component its feature registered for the kind. */
export const DialogsHost = () => {
  const req = useDialog();
  if (!req) return null;
  const entry = getRegistry().dialogs.get(req.kind);
  if (!entry) return null;
  // The registry pairs each kind with the component for that kind's request.
  const Component = entry.component as ComponentType<{ req: DialogRequest }>;
  return <Component req={req} />;
};
