import { useState } from 'react';
import type { HwFieldIssues } from '../issues.js';

/**
 * An editor's draft of one item: the form values (started from the VM's next-boot view), the issues the
 * main process put on its fields (cleared by any edit), and Revert back to the view.
 */
export const useDraft = <View, Values extends object>(now: View, valuesOf: (v: View) => Values) => {
  const [values, setValues] = useState<Values>(() => valuesOf(now));
  const [remote, setRemote] = useState<HwFieldIssues>({});
  const set = <K extends keyof Values>(k: K, v: Values[K]) => {
    setValues((s) => ({ ...s, [k]: v }));
    setRemote({});
  };
  const revert = (): void => {
    setValues(valuesOf(now));
    setRemote({});
  };
  return { values, set, remote, setRemote, revert };
};
