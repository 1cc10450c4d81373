import { calls } from '../../../../shared/contract/index.js';
import type { HostInterface, NetworkKind } from '../../../../shared/contract/networks.js';
import { getApi } from '../../api/client.js';
import { useCall } from '../../api/hooks.js';
import { useT } from '../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { showToast } from '../../store/toasts.js';
import { Dialog } from '../../ui/Dialog.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { CheckField, SelectField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { isolated } from '../../ui/Name.js';
import { HostInterfaceList } from './HostInterfaceList.js';

declare module '../../shell/dialogs.js' {
  interface DialogRequests {
    newNetwork: { connectionId: string; onDone?: (name: string) => void };
  }
}

const KINDS: NetworkKind[] = ['nat', 'isolated', 'route', 'open', 'bridge', 'macvtap'];
const MACVTAP_MODES = ['bridge', 'private', 'vepa', 'passthrough'] as const;

/** An interface macvtap can sit on: a real or virtual NIC, not a bridge and not loopback. */
const macvtapCapable = (i: HostInterface): boolean => i.type !== 'bridge' && i.name !== 'lo';

/** Kinds where libvirt makes its own bridge with addresses and DHCP. */
const hasAddresses = (k: NetworkKind): boolean => k !== 'bridge' && k !== 'macvtap';

const initial = {
  name: '',
  kind: 'nat' as NetworkKind,
  bridgeName: '',
  forwardDev: '',
  hostBridge: '',
  macvtapDev: '',
  macvtapMode: 'bridge' as (typeof MACVTAP_MODES)[number],
  ipv4Address: '192.168.100.1',
  ipv4Prefix: '24',
  dhcp: true,
  dhcpStart: '192.168.100.128',
  dhcpEnd: '192.168.100.254',
  ipv6Address: '',
  ipv6Prefix: '64',
  start: true,
  autostart: true,
};
type Values = typeof initial;

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** The call's input from the form (only the fields the chosen kind uses). */
const toInput = (connectionId: string, v: Values) => {
  const addresses = hasAddresses(v.kind);
  return {
    connectionId,
    name: v.name,
    kind: v.kind,
    bridgeName: addresses ? orNull(v.bridgeName) : null,
    forwardDev: v.kind === 'nat' || v.kind === 'route' ? orNull(v.forwardDev) : null,
    hostBridge: v.kind === 'bridge' ? orNull(v.hostBridge) : null,
    macvtapDev: v.kind === 'macvtap' ? orNull(v.macvtapDev) : null,
    macvtapMode: v.macvtapMode,
    ipv4:
      addresses && v.ipv4Address.trim()
        ? {
            address: v.ipv4Address.trim(),
            prefix: Number(v.ipv4Prefix),
            dhcp: v.dhcp ? { start: v.dhcpStart.trim(), end: v.dhcpEnd.trim() } : null,
          }
        : null,
    ipv6:
      addresses && v.ipv6Address.trim()
        ? { address: v.ipv6Address.trim(), prefix: Number(v.ipv6Prefix), dhcp: null }
        : null,
    start: v.start,
    autostart: v.autostart,
  };
};

/** New network: the kind first, then only what that kind needs; checked by the contract's schema. */
export const NewNetworkDialog = ({ req }: { req: DialogRequest<'newNetwork'> }) => {
  const t = useT();
  const host = useCall('networks.hostInterfaces', { connectionId: req.connectionId });
  const form = useForm({
    schema: calls['networks.create'].input,
    initial,
    toInput: (v) => toInput(req.connectionId, v),
    paths: {
      'ipv4.address': 'ipv4Address',
      'ipv4.prefix': 'ipv4Prefix',
      ipv4: 'ipv4Address',
      'ipv4.dhcp.start': 'dhcpStart',
      'ipv4.dhcp.end': 'dhcpEnd',
      'ipv6.address': 'ipv6Address',
      'ipv6.prefix': 'ipv6Prefix',
    },
  });
  const v = form.values;
  const busy = form.submitting;
  const ifaces = host.data?.interfaces ?? [];
  const bridges = ifaces.filter((i) => i.type === 'bridge');
  const submit = (): void =>
    void form.submit(async (input) => {
      const r = await getApi().call('networks.create', input);
      showToast(t(r.active ? 'networks.created.started' : 'networks.created', { name: isolated(r.name) }));
      closeDialog();
      req.onDone?.(r.name);
    });
  /** A host interface entry with the host's interfaces as suggestions. */
  const ifaceField = (
    id: string,
    field: 'forwardDev' | 'hostBridge' | 'macvtapDev',
    label: string,
    options: typeof ifaces,
    hint?: string,
  ) => (
    <>
      <TextField
        id={id}
        label={label}
        value={v[field]}
        list={`${id}-list`}
        disabled={busy}
        error={form.errors[field]}
        hint={hint ? <span className="dim hint">{hint}</span> : undefined}
        onChange={(x) => form.set(field, x)}
      />
      <datalist id={`${id}-list`}>
        {options.map((i) => (
          <option key={i.name} value={i.name}>
            {`${i.name} (${i.type})`}
          </option>
        ))}
      </datalist>
    </>
  );
  return (
    <Dialog
      title={t('networks.newTitle')}
      onClose={busy ? () => undefined : closeDialog}
      onSubmit={submit}
      testId="new-network-dialog"
      wide
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={busy} data-testid="new-network-create">
            {busy ? t('networks.creating') : t('networks.create')}
          </button>
        </>
      }
    >
      <div className="new-network-grid">
        <TextField
          id="network-name"
          label={t('networks.field.name')}
          value={v.name}
          autoFocus
          disabled={busy}
          error={form.errors.name}
          onChange={(x) => form.set('name', x)}
        />
        <SelectField
          id="network-kind"
          label={t('networks.field.kind')}
          value={v.kind}
          disabled={busy}
          hint={<span className="dim hint">{t(`networks.kind.${v.kind}.hint`)}</span>}
          onChange={(x) => form.set('kind', x as NetworkKind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`networks.kind.${k}`)}
            </option>
          ))}
        </SelectField>
        {hasAddresses(v.kind) && (
          <>
            <TextField
              id="network-ipv4"
              label={t('networks.field.ipv4')}
              value={v.ipv4Address}
              disabled={busy}
              error={form.errors.ipv4Address}
              onChange={(x) => form.set('ipv4Address', x)}
            />
            <TextField
              id="network-ipv4-prefix"
              label={t('networks.field.prefix')}
              value={v.ipv4Prefix}
              inputMode="numeric"
              disabled={busy}
              error={form.errors.ipv4Prefix}
              onChange={(x) => form.set('ipv4Prefix', x)}
            />
            <CheckField
              label={t('networks.field.dhcp')}
              checked={v.dhcp}
              disabled={busy}
              onChange={(x) => form.set('dhcp', x)}
            />
            <span />
            {v.dhcp && (
              <>
                <TextField
                  id="network-dhcp-start"
                  label={t('networks.field.dhcpStart')}
                  value={v.dhcpStart}
                  disabled={busy}
                  error={form.errors.dhcpStart}
                  onChange={(x) => form.set('dhcpStart', x)}
                />
                <TextField
                  id="network-dhcp-end"
                  label={t('networks.field.dhcpEnd')}
                  value={v.dhcpEnd}
                  disabled={busy}
                  error={form.errors.dhcpEnd}
                  onChange={(x) => form.set('dhcpEnd', x)}
                />
              </>
            )}
            <TextField
              id="network-ipv6"
              label={t('networks.field.ipv6')}
              value={v.ipv6Address}
              placeholder="fd00::1"
              disabled={busy}
              error={form.errors.ipv6Address}
              onChange={(x) => form.set('ipv6Address', x)}
            />
            <TextField
              id="network-ipv6-prefix"
              label={t('networks.field.prefix')}
              value={v.ipv6Prefix}
              inputMode="numeric"
              disabled={busy}
              error={form.errors.ipv6Prefix}
              onChange={(x) => form.set('ipv6Prefix', x)}
            />
            <TextField
              id="network-bridge"
              label={t('networks.field.bridgeName')}
              value={v.bridgeName}
              placeholder="virbr…"
              disabled={busy}
              error={form.errors.bridgeName}
              onChange={(x) => form.set('bridgeName', x)}
            />
            {(v.kind === 'nat' || v.kind === 'route') &&
              ifaceField('network-forward-dev', 'forwardDev', t('networks.field.forwardDev'), ifaces)}
          </>
        )}
        {v.kind === 'bridge' && (
          <>
            {ifaceField(
              'network-host-bridge',
              'hostBridge',
              t('networks.field.hostBridge'),
              bridges,
              host.data?.unavailable ?? undefined,
            )}
            <span />
            <HostInterfaceList
              id="host-interfaces"
              interfaces={ifaces}
              eligible={(i) => i.type === 'bridge'}
              selected={v.hostBridge.trim()}
              unavailable={host.data?.unavailable ?? null}
              disabled={busy}
              onPick={(n) => form.set('hostBridge', n)}
            />
          </>
        )}
        {v.kind === 'macvtap' && (
          <>
            {ifaceField(
              'network-macvtap-dev',
              'macvtapDev',
              t('networks.field.macvtapDev'),
              ifaces.filter(macvtapCapable),
              host.data?.unavailable ?? undefined,
            )}
            <SelectField
              id="network-macvtap-mode"
              label={t('networks.field.macvtapMode')}
              value={v.macvtapMode}
              disabled={busy}
              onChange={(x) => form.set('macvtapMode', x as Values['macvtapMode'])}
            >
              {MACVTAP_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`networks.macvtap.${m}`)}
                </option>
              ))}
            </SelectField>
            <HostInterfaceList
              id="host-interfaces"
              interfaces={ifaces}
              eligible={macvtapCapable}
              selected={v.macvtapDev.trim()}
              unavailable={host.data?.unavailable ?? null}
              disabled={busy}
              onPick={(n) => form.set('macvtapDev', n)}
            />
          </>
        )}
      </div>
      <CheckField
        label={t('networks.field.start')}
        checked={v.start}
        disabled={busy}
        onChange={(x) => form.set('start', x)}
      />
      <CheckField
        label={t('networks.field.autostart')}
        checked={v.autostart}
        disabled={busy}
        onChange={(x) => form.set('autostart', x)}
      />
      {form.errors.form !== undefined && (
        <FailureNote
          message={t('networks.failed.create')}
          detail={form.errors.form}
          testId="new-network-error"
        />
      )}
    </Dialog>
  );
};
