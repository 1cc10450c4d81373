import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** i6300esb: a PCI card (any x86 machine, can be plugged in while running); itco: part of Q35's chipset. */
export const WATCHDOG_MODELS = ['i6300esb', 'itco', 'ib700'] as const;
export const WATCHDOG_ACTIONS = [
  'reset',
  'poweroff',
  'shutdown',
  'pause',
  'none',
  'dump',
  'inject-nmi',
] as const;
/**
 * The models to offer: the ones domain capabilities list; a libvirt that lists none (9.0 here) gets the two
 * every libvirt takes — its schema refuses 'itco', which newer releases added.
 */
export const offeredWatchdogModels = (limits: {
  watchdogModels?: readonly string[] | undefined;
}): (typeof WATCHDOG_MODELS)[number][] =>
  limits.watchdogModels && limits.watchdogModels.length > 0
    ? WATCHDOG_MODELS.filter((m) => limits.watchdogModels!.includes(m))
    : ['i6300esb', 'ib700'];
/** The models QEMU can plug into a running VM. */
export const HOTPLUG_WATCHDOGS: readonly string[] = ['i6300esb'];

export const watchdogViewSchema = z.object({ model: z.string().max(64), action: z.string().max(64) });
export type WatchdogView = z.infer<typeof watchdogViewSchema>;

const index = z.number().int().min(0).max(1023);

export const watchdogAddSchema = z
  .object({
    kind: z.literal('watchdog.add'),
    model: z.enum(WATCHDOG_MODELS),
    action: z.enum(WATCHDOG_ACTIONS),
  })
  .strict();
export const watchdogActionSchema = z
  .object({ kind: z.literal('watchdog.action'), index, action: z.enum(WATCHDOG_ACTIONS) })
  .strict();
export const watchdogRemoveSchema = z.object({ kind: z.literal('watchdog.remove'), index }).strict();

export type WatchdogAdd = z.infer<typeof watchdogAddSchema>;
export type WatchdogAction = z.infer<typeof watchdogActionSchema>;
export type WatchdogRemove = z.infer<typeof watchdogRemoveSchema>;
export type WatchdogChange = WatchdogAdd | WatchdogAction | WatchdogRemove;

/** The action changes live too; an i6300esb card is plugged in and out of a running VM, others wait. */
export const watchdogTiming = (c: WatchdogChange, running: boolean, now?: WatchdogView[]): HwTiming => {
  if (!running) return 'next-boot';
  if (c.kind === 'watchdog.action') return 'both';
  const model = c.kind === 'watchdog.add' ? c.model : now?.[c.index]?.model;
  return model && HOTPLUG_WATCHDOGS.includes(model) ? 'both' : 'next-boot';
};

export const watchdogKind = hardwareKind({
  view: z.array(watchdogViewSchema),
  change: z.discriminatedUnion('kind', [watchdogAddSchema, watchdogActionSchema, watchdogRemoveSchema]),
  timing: watchdogTiming,
});
