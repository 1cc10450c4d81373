import { useCallback, useEffect, useRef, useState } from 'react';
import RFB from '@novnc/novnc';
import type { SendKeyCombo } from '../../../../shared/contract/consoles.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { MenuButton, type MenuItem } from '../../ui/Menu.js';
import type { VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { displayUrl } from './display-url.js';
import { keysymsForText } from './keysyms.js';
import { VncPasswordDialog } from './VncPasswordDialog.js';
import './console.css';

type Phase =
  | { kind: 'opening' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'disconnected'; message?: string }
  | { kind: 'offer'; code: 'SPICE_ONLY' | 'NO_GRAPHICS' }
  | { kind: 'added'; nextBoot: boolean }
  | { kind: 'not-running' }
  | { kind: 'error'; message: string };

const COMBOS: { combo: SendKeyCombo; label: string }[] = [
  { combo: 'ctrl-alt-del', label: 'Ctrl+Alt+Del' },
  { combo: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace' },
  ...Array.from({ length: 12 }, (_, i) => ({
    combo: `ctrl-alt-f${i + 1}` as SendKeyCombo,
    label: `Ctrl+Alt+F${i + 1}`,
  })),
  { combo: 'print', label: 'PrintScreen' },
  { combo: 'alt-tab', label: 'Alt+Tab' },
  { combo: 'alt-f4', label: 'Alt+F4' },
];

const base64ToBlob = (b64: string, type: string): Blob => {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
};

/**
 * The graphical console: noVNC through the main process's loopback WebSocket-to-VNC proxy (one single-use
 * token per connection). Scale to window, resize guest, fullscreen, special keys (libvirt send-key),
 * paste as typed text, VNC password prompt, PNG screenshot; SPICE-only VMs get an offer to add VNC.
 */
export const DisplayTab = (props: VmTabProps) => {
  const running = props.state === 'running' || props.state === 'paused' || props.state === 'blocked';
  const [nonce, setNonce] = useState(0);
  // A fresh session (new token, new noVNC object) per start of the VM and per "Reconnect".
  return (
    <DisplaySession
      key={`${running}:${nonce}`}
      {...props}
      running={running}
      reconnect={() => setNonce((n) => n + 1)}
    />
  );
};

const DisplaySession = ({
  connectionId,
  vmUuid,
  vmName,
  running,
  reconnect,
}: VmTabProps & { running: boolean; reconnect: () => void }) => {
  const t = useT();
  const screen = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const [phase, setPhase] = useState<Phase>(running ? { kind: 'opening' } : { kind: 'not-running' });
  const [scale, setScale] = useState(true);
  const [resizeGuest, setResizeGuest] = useState(false);
  const [askPassword, setAskPassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<string | null>(null);
  const passwordRef = useRef<string | null>(null);
  // the connection effect reads the translator through a ref: a language change must not reconnect
  const tRef = useRef(t);
  useEffect(() => {
    tRef.current = t;
  });

  useEffect(() => {
    const el = screen.current;
    if (!el) return;
    if (!running) return;
    let rfb: RFB | null = null;
    let disposed = false;
    // A page Content-Security-Policy without ws://127.0.0.1:* in connect-src blocks the proxy: say so.
    const onCsp = (e: SecurityPolicyViolationEvent): void => {
      if (!disposed && e.effectiveDirective === 'connect-src' && /\/vnc\//.test(e.blockedURI))
        setPhase({ kind: 'error', message: tRef.current('display.cspBlocked') });
    };
    document.addEventListener('securitypolicyviolation', onCsp);
    getApi()
      .call('display.open', { connectionId, vmUuid })
      .then((r) => {
        if (disposed) return;
        setPhase({ kind: 'connecting' });
        const creds = passwordRef.current ? { credentials: { password: passwordRef.current } } : {};
        rfb = new RFB(el, displayUrl(r, window.location, Boolean(window.virtdesk)), {
          wsProtocols: ['binary'],
          shared: true,
          ...creds,
        });
        rfbRef.current = rfb;
        rfb.scaleViewport = scale;
        rfb.resizeSession = resizeGuest;
        rfb.background = 'rgb(40, 40, 40)';
        rfb.addEventListener('connect', () => {
          setPhase({ kind: 'connected' });
          rfb?.focus();
        });
        rfb.addEventListener('disconnect', (e) => {
          const clean = (e as CustomEvent<{ clean: boolean }>).detail?.clean;
          rfbRef.current = null;
          if (!disposed)
            setPhase({ kind: 'disconnected', ...(clean ? {} : { message: tRef.current('display.lost') }) });
        });
        rfb.addEventListener('credentialsrequired', () => {
          if (passwordRef.current) rfb?.sendCredentials({ password: passwordRef.current });
          else setAskPassword(true);
        });
        rfb.addEventListener('securityfailure', (e) => {
          const reason = (e as CustomEvent<{ reason?: string }>).detail?.reason;
          passwordRef.current = null;
          setPhase({
            kind: 'error',
            message: reason
              ? `${tRef.current('display.authFailed')}: ${reason}`
              : tRef.current('display.authFailed'),
          });
        });
      })
      .catch((e: unknown) => {
        if (disposed) return;
        const err = toApiError(e);
        if (err.code === 'SPICE_ONLY' || err.code === 'NO_GRAPHICS')
          setPhase({ kind: 'offer', code: err.code });
        else if (err.code === 'VM_NOT_RUNNING') setPhase({ kind: 'not-running' });
        else setPhase({ kind: 'error', message: err.message });
      });
    return () => {
      disposed = true;
      document.removeEventListener('securitypolicyviolation', onCsp);
      rfbRef.current = null;
      try {
        rfb?.disconnect();
      } catch {
        // already gone
      }
    };
    // scale/resizeGuest are applied live below, not by reconnecting
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId, vmUuid, running]);

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.scaleViewport = scale;
  }, [scale]);
  useEffect(() => {
    if (rfbRef.current) rfbRef.current.resizeSession = resizeGuest;
  }, [resizeGuest]);

  const sendKeys = useCallback(
    (combo: SendKeyCombo) => {
      getApi()
        .call('display.sendKeys', { connectionId, vmUuid, combo })
        .then(
          () =>
            setInfo(t('display.keysSent', { keys: COMBOS.find((c) => c.combo === combo)?.label ?? combo })),
          (e: unknown) => setInfo(toApiError(e).message),
        );
      rfbRef.current?.focus();
    },
    [connectionId, vmUuid, t],
  );

  const paste = async (): Promise<void> => {
    let text: string;
    try {
      text = (await navigator.clipboard?.readText()) ?? '';
    } catch {
      setInfo(t('display.pasteDenied'));
      return;
    }
    const rfb = rfbRef.current;
    if (!rfb || !text) return;
    for (const ks of keysymsForText(text)) rfb.sendKey(ks, null);
    rfb.focus();
  };

  const screenshot = async (): Promise<void> => {
    setBusy(true);
    try {
      const shot = await getApi().call('display.screenshot', { connectionId, vmUuid });
      const url = URL.createObjectURL(base64ToBlob(shot.base64, 'image/png'));
      const a = document.createElement('a');
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      a.href = url;
      a.download = `${vmName}-${stamp}.png`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setInfo(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  const addVnc = async (): Promise<void> => {
    setBusy(true);
    try {
      const r = await getApi().call('display.addVnc', { connectionId, vmUuid });
      setPhase({ kind: 'added', nextBoot: r.effectiveNextBoot });
    } catch (e) {
      setPhase({ kind: 'error', message: toApiError(e).message });
    } finally {
      setBusy(false);
    }
  };

  const fullscreen = (): void => {
    const el = screen.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void el.requestFullscreen?.().catch(() => undefined);
  };

  const connected = phase.kind === 'connected';
  const keyItems: MenuItem[] = COMBOS.map((c, i) => ({
    label: c.label,
    onSelect: () => sendKeys(c.combo),
    separatorBefore: i === 2 || c.combo === 'print',
  }));

  return (
    <div className="console-view" data-testid="vm-display" data-phase={phase.kind}>
      <div className="console-toolbar">
        <span className={`console-state ${phase.kind}`} data-testid="vm-display-state">
          {t(`display.phase.${phase.kind}`)}
        </span>
        {info && (
          <span className="dim" role="status">
            {info}
          </span>
        )}
        <span style={{ flex: 1 }} />
        <label className="dim">
          <input type="checkbox" checked={scale} onChange={(e) => setScale(e.target.checked)} />{' '}
          {t('display.scale')}
        </label>
        <label className="dim">
          <input type="checkbox" checked={resizeGuest} onChange={(e) => setResizeGuest(e.target.checked)} />{' '}
          {t('display.resizeGuest')}
        </label>
        <MenuButton label={t('display.sendKeys')} icon="menu" items={keyItems} testId="display-send-keys">
          <span style={{ marginLeft: 4 }}>{t('display.sendKeys')}</span>
        </MenuButton>
        <button type="button" className="btn small" onClick={() => void paste()} disabled={!connected}>
          {t('display.paste')}
        </button>
        <button
          type="button"
          className="btn small"
          onClick={() => void screenshot()}
          disabled={!running || busy}
          data-testid="display-screenshot"
        >
          {t('display.screenshot')}
        </button>
        <button type="button" className="btn small" onClick={fullscreen} disabled={!connected}>
          {t('display.fullscreen')}
        </button>
        {(phase.kind === 'disconnected' || phase.kind === 'error') && running && (
          <button type="button" className="btn small suggested" onClick={reconnect}>
            {t('display.reconnect')}
          </button>
        )}
      </div>
      {phase.kind === 'error' && (
        <div className="banner error" role="alert" data-testid="vm-display-error">
          {phase.message}
        </div>
      )}
      {phase.kind === 'disconnected' && phase.message && (
        <div className="banner warning" role="status">
          {phase.message}
        </div>
      )}
      {phase.kind === 'not-running' && <div className="display-offer dim">{t('display.notRunning')}</div>}
      {phase.kind === 'offer' && (
        <div className="display-offer" data-testid="display-offer">
          <p>{phase.code === 'SPICE_ONLY' ? t('display.spiceOnly') : t('display.noGraphics')}</p>
          <button type="button" className="btn suggested" disabled={busy} onClick={() => void addVnc()}>
            {t('display.addVnc')}
          </button>
        </div>
      )}
      {phase.kind === 'added' && (
        <div className="display-offer" role="status">
          <p>{phase.nextBoot ? t('display.addedNextBoot') : t('display.added')}</p>
        </div>
      )}
      <div
        className="display-screen"
        ref={screen}
        data-testid="display-screen"
        style={
          phase.kind === 'offer' || phase.kind === 'added' || phase.kind === 'not-running'
            ? { display: 'none' }
            : undefined
        }
      />
      {askPassword && (
        <VncPasswordDialog
          onCancel={() => {
            setAskPassword(false);
            rfbRef.current?.disconnect();
          }}
          onSubmit={(password) => {
            passwordRef.current = password;
            setAskPassword(false);
            rfbRef.current?.sendCredentials({ password });
          }}
        />
      )}
    </div>
  );
};
