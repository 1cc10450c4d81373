import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** TIS is what most guests know; CRB is what Windows 11 and newer firmware prefer. */
export const TPM_MODELS = ['tpm-tis', 'tpm-crb'] as const;

export const tpmViewSchema = z.object({
  model: z.string().max(64).nullable(),
  backend: z.string().max(64).nullable(),
  version: z.string().max(16).nullable(),
});
export type TpmView = z.infer<typeof tpmViewSchema>;

const index = z.number().int().min(0).max(1023);

/** An emulated TPM 2.0 (swtpm on the host; libvirt creates its state at the first start). */
export const tpmAddSchema = z
  .object({ kind: z.literal('tpm.add'), model: z.enum(TPM_MODELS), version: z.literal('2.0') })
  .strict();
export const tpmModelSchema = z
  .object({ kind: z.literal('tpm.model'), index, model: z.enum(TPM_MODELS) })
  .strict();
export const tpmRemoveSchema = z.object({ kind: z.literal('tpm.remove'), index }).strict();

export type TpmAdd = z.infer<typeof tpmAddSchema>;
export type TpmChange = TpmAdd | z.infer<typeof tpmModelSchema> | z.infer<typeof tpmRemoveSchema>;

/** A TPM cannot be plugged into a running VM. */
export const tpmTiming = (_c: TpmChange, _running: boolean): HwTiming => 'next-boot';

export const tpmKind = hardwareKind({
  view: z.array(tpmViewSchema),
  change: z.discriminatedUnion('kind', [tpmAddSchema, tpmModelSchema, tpmRemoveSchema]),
  timing: tpmTiming,
});
