import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema, uuidSchema } from '../model/index.js';

const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

/**
 * The longest XML the editor may send. Web mode's WebSocket takes frames up to 1 MiB and a define carries
 * the edited XML and the XML editing started from; a domain with 100 disks is about 100 000 characters.
 */
export const MAX_EDITED_XML_CHARS = 400_000;
const editedXmlSchema = z
  .string()
  .min(1, 'The XML is empty')
  .max(MAX_EDITED_XML_CHARS, `The XML is too long (at most ${MAX_EDITED_XML_CHARS} characters)`);

export const domainXmlCalls = {
  /**
   * What the XML editor shows: the next-boot (inactive, persistent) definition as it is edited — with
   * secrets such as display passwords, as `virsh edit` shows them, so an edit keeps them — and, while the
   * VM runs, the running (live) definition. `internalSnapshots`: every writable disk is qcow2 and the
   * firmware keeps no NVRAM file, so a snapshot can be taken first.
   */
  'domainxml.load': call(
    z.object(vmRef).strict(),
    z.object({
      inactive: z.string(),
      live: z.string().nullable(),
      active: z.boolean(),
      internalSnapshots: z.boolean(),
    }),
  ),
  /**
   * Defines the VM from edited XML with libvirt's validation (virDomainDefineXMLFlags + VALIDATE). Refused
   * before libvirt with code 'invalid-input' and a sentence that says why when the XML is not well-formed
   * (with line and column), is no <domain>, or names another UUID (a new VM) or name (use Rename); with code
   * 'conflict' when `expectedXml` (the inactive XML editing started from) is no longer the VM's definition.
   * libvirt's own refusal comes back with code 'libvirt' and its text. Resolves with the definition read
   * back; `active`: the VM runs, so the change applies at its next boot.
   */
  'domainxml.define': call(
    z.object({ ...vmRef, xml: editedXmlSchema, expectedXml: editedXmlSchema.optional() }).strict(),
    z.object({ xml: z.string(), active: z.boolean() }),
  ),
};

export const domainXmlEvents = {};
