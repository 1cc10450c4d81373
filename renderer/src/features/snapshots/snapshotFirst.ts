/**
 * "Take a snapshot first", shared by the XML tab and the Hardware tab's editors: the snapshot's name
 * (time + what is about to change) and taking it (the checkbox: SnapshotFirstCheck.tsx). Asked per
 * change: the caller unchecks it after an apply.
 */
import { getApi } from '../../api/client.js';

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The name of the snapshot taken before a change of `what` (`xml-edit`, `cpu`, `disk-add`…):
 * `before-cpu-2026-12-03-104512`, with `-2`, `-3`… when the VM already has that name (two applies within
 * one second). Local time, as the person reads it in the Snapshots tab.
 */
export const snapshotFirstName = (what: string, taken: Iterable<string>, now = new Date()): string => {
  const base =
    `before-${what}-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-` +
    `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  const names = new Set(taken);
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
  return name;
};

/**
 * Takes an internal snapshot of the VM before a change of `what`; resolves with its name (`onNamed` hears
 * it before the snapshot is taken, for a progress line). Rejects with the API's error (libvirt's text)
 * when it cannot: the caller then applies nothing.
 */
export const takeSnapshotFirst = async (
  vm: { connectionId: string; uuid: string },
  what: string,
  description: string,
  onNamed?: (name: string) => void,
): Promise<string> => {
  const taken = (await getApi().call('snapshots.list', vm)).map((s) => s.name);
  const name = snapshotFirstName(what, taken);
  onNamed?.(name);
  await getApi().call('snapshots.create', { ...vm, name, description });
  return name;
};
