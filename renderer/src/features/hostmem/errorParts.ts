/**
 * The main process words its memory-tuning refusals as "plain sentence … libvirt: libvirt's text": the
 * sentence is shown, libvirt's text goes behind Details.
 */
export const errorParts = (message: string): { message: string; detail?: string } => {
  const at = message.indexOf(' libvirt: ');
  return at < 0
    ? { message }
    : { message: message.slice(0, at), detail: message.slice(at + ' libvirt: '.length) };
};
