import { useCallback, useEffect, useRef, useState } from 'react';
import RFB from '@novnc/novnc';
import type { SendKeyCombo } from '../../../../shared/contract/consoles.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { upsertVm } from '../../store/vms.js';
import type { VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { displayUrl } from './display-url.js';
import { COMBOS, DisplayToolbar } from './displayToolbar.js';
import { dropReason, refusedByServer, type DropReason } from './dropReason.js';
import { keyEventsForText, LAYOUT_IDS, typeEvents, type KeyboardLayoutId } from './typing.js';
import { VncPasswordDialog } from './VncPasswordDialog.js';
import './console.css';

type Phase =
  | { kind: 'opening' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  /** reason undefined while the VM's state is being looked up */
  | { kind: 'disconnected'; reason?: DropReason }
  | { kind: 'offer'; code: 'SPICE_ONLY' | 'NO_GRAPHICS' }
  | { kind: 'added'; nextBoot: boolean }
  | { kind: 'not-running' }
  | { kind: 'error'; message: string };

const LAYOUT_KEY = 'virtdesk.guestKeyboard';
const savedLayout = (): KeyboardLayoutId => {
  try {
    const v = globalThis.localStorage?.getItem(LAYOUT_KEY);
    return LAYOUT_IDS.includes(v as KeyboardLayoutId) ? (v as KeyboardLayoutId) : 'us';
  } catch {
    return 'us';
  }
};

/** The VM's state read fresh from libvirt (the store's event may not have arrived yet). */
const isVmRunning = async (connectionId: string, vmUuid: string): Promise<boolean | null> => {
  try {
    const vm = (await getApi().call('vms.list', { connectionId })).find((v) => v.uuid === vmUuid);
    return vm ? vm.state === 'running' || vm.state === 'paused' || vm.state === 'blocked' : false;
  } catch {
    return null;
  }
};

const base64ToBlob = (b64: string, type: string): Blob => {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
};

/**
 * The graphical console: noVNC through the main process's loopback WebSocket-to-VNC proxy (one single-use
 * token per connection). Scale to window, resize guest, fullscreen (toolbar included), special keys
 * (libvirt send-key), paste as typing on the guest's keyboard layout, VNC password prompt, PNG screenshot;
 * SPICE-only VMs get an offer to add VNC. A drop says why (VM stopped, another viewer, network), and a
 * failed Reconnect says so.
 */
export const DisplayTab = (props: VmTabProps) => {
  const running = props.state === 'running' || props.state === 'paused' || props.state === 'blocked';
  const [nonce, setNonce] = useState(0);
  const [reconnecting, setReconnecting] = useState(false);
  // Whether a session was connected while the VM ran: a stop then reads "the VM stopped", not "not running".
  const [viewed, setViewed] = useState(false);
  const [stoppedWhileViewed, setStoppedWhileViewed] = useState(false);
  const [wasRunning, setWasRunning] = useState(running);
  if (wasRunning !== running) {
    setWasRunning(running);
    setStoppedWhileViewed(!running && viewed);
    setViewed(false);
    setReconnecting(false);
  }
  // A fresh session (new token, new noVNC object) per start of the VM and per "Reconnect".
  return (
    <DisplaySession
      key={`${running}:${nonce}`}
      {...props}
      running={running}
      isReconnect={reconnecting}
      stoppedWhileViewed={stoppedWhileViewed}
      onConnected={() => {
        setViewed(true);
        setReconnecting(false);
      }}
      reconnect={() => {
        setReconnecting(true);
        setNonce((n) => n + 1);
      }}
    />
  );
};

const DisplaySession = ({
  connectionId,
  vmUuid,
  vmName,
  running,
  isReconnect,
  stoppedWhileViewed,
  onConnected,
  reconnect,
}: VmTabProps & {
  running: boolean;
  isReconnect: boolean;
  stoppedWhileViewed: boolean;
  onConnected: () => void;
  reconnect: () => void;
}) => {
  const t = useT();
  const view = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const [phase, setPhase] = useState<Phase>(running ? { kind: 'opening' } : { kind: 'not-running' });
  const [scale, setScale] = useState(true);
  const [resizeGuest, setResizeGuest] = useState(false);
  const [layout, setLayout] = useState<KeyboardLayoutId>(savedLayout);
  const [askPassword, setAskPassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<string | null>(null);
  const [isFullscreen, setIsFullscreen] = useState(false);
  const passwordRef = useRef<string | null>(null);
  // the connection effect reads these through refs: a language change must not reconnect
  const tRef = useRef(t);
  const cbRef = useRef({ onConnected, isReconnect });
  useEffect(() => {
    tRef.current = t;
    cbRef.current = { onConnected, isReconnect };
  });

  useEffect(() => {
    const el = screen.current;
    if (!el) return;
    if (!running) return;
    let rfb: RFB | null = null;
    let disposed = false;
    let everConnected = false;
    const failed = (message: string): void => {
      setPhase({
        kind: 'error',
        message: cbRef.current.isReconnect ? tRef.current('display.reconnectFailed', { message }) : message,
      });
    };
    // A page Content-Security-Policy without ws://127.0.0.1:* in connect-src blocks the proxy: say so.
    const onCsp = (e: SecurityPolicyViolationEvent): void => {
      if (!disposed && e.effectiveDirective === 'connect-src' && /\/vnc\//.test(e.blockedURI))
        failed(tRef.current('display.cspBlocked'));
    };
    document.addEventListener('securitypolicyviolation', onCsp);
    getApi()
      .call('display.open', { connectionId, vmUuid })
      .then((r) => {
        if (disposed) return;
        setPhase({ kind: 'connecting' });
        const creds = passwordRef.current ? { credentials: { password: passwordRef.current } } : {};
        // Our own WebSocket, handed to noVNC, so its close code tells who hung up (see dropReason).
        const ws = new WebSocket(displayUrl(r, window.location, Boolean(window.virtdesk)), ['binary']);
        let closed: { code: number; reason: string } | null = null;
        ws.addEventListener('close', (e) => {
          closed = { code: e.code, reason: e.reason };
        });
        rfb = new RFB(el, ws, { shared: true, ...creds });
        rfbRef.current = rfb;
        rfb.scaleViewport = scale;
        rfb.resizeSession = resizeGuest;
        rfb.background = 'rgb(40, 40, 40)';
        rfb.addEventListener('connect', () => {
          everConnected = true;
          setPhase({ kind: 'connected' });
          cbRef.current.onConnected();
          rfb?.focus();
        });
        rfb.addEventListener('disconnect', (e) => {
          const clean = Boolean((e as CustomEvent<{ clean: boolean }>).detail?.clean);
          rfbRef.current = null;
          if (disposed) return;
          const close = closed as { code: number; reason: string } | null;
          if (!everConnected) {
            // Hung up on before the session began: the VNC server refused us (an exclusive viewer holds
            // the display), or the connection failed on the way.
            failed(
              refusedByServer(close)
                ? tRef.current('display.refused')
                : close?.reason || tRef.current('display.neverConnected'),
            );
            return;
          }
          setPhase({ kind: 'disconnected' });
          // The VM's state settles a moment after its VNC server closed: ask libvirt, twice if need be.
          void (async () => {
            let vmRunning: boolean | null = null;
            for (let i = 0; i < 3 && !disposed; i++) {
              await new Promise((res) => setTimeout(res, 400));
              vmRunning = await isVmRunning(connectionId, vmUuid);
              if (vmRunning !== true) break;
            }
            if (disposed) return;
            setPhase({
              kind: 'disconnected',
              reason: dropReason({
                vmRunning,
                closeCode: close?.code ?? null,
                closeReason: close?.reason ?? '',
                clean,
              }),
            });
          })();
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
        else failed(err.message);
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
  useEffect(() => {
    const onChange = (): void => setIsFullscreen(document.fullscreenElement === view.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

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

  const chooseLayout = (id: KeyboardLayoutId): void => {
    setLayout(id);
    try {
      localStorage.setItem(LAYOUT_KEY, id);
    } catch {
      /* storage unavailable */
    }
  };

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
    const events = keyEventsForText(text, layout);
    setInfo(t('display.typing', { n: [...text].length }));
    const done = await typeEvents(
      events,
      (k) => rfb.sendKey(k.keysym, k.code, k.down),
      () => rfbRef.current === rfb,
    );
    if (done) setInfo(null);
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

  const [startError, setStartError] = useState<string | null>(null);
  const start = async (): Promise<void> => {
    setBusy(true);
    setStartError(null);
    try {
      const vm = await getApi().call('vms.action', { connectionId, uuid: vmUuid, action: 'start' });
      if (vm) upsertVm(vm); // the VM runs: the tab opens a new session on its own
    } catch (e) {
      setStartError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  // The whole view goes fullscreen (toolbar included), so the menus stay reachable.
  const fullscreen = (): void => {
    const el = view.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void el.requestFullscreen?.().catch(() => undefined);
  };

  const connected = phase.kind === 'connected';

  return (
    <div className="console-view" ref={view} data-testid="vm-display" data-phase={phase.kind}>
      <DisplayToolbar
        start={
          <>
            <span className={`console-state ${phase.kind}`} data-testid="vm-display-state">
              {t(`display.phase.${phase.kind}`)}
            </span>
            {info && (
              <span className="dim toolbar-info" role="status" title={info}>
                {info}
              </span>
            )}
          </>
        }
        t={t}
        connected={connected}
        running={running}
        busy={busy}
        isFullscreen={isFullscreen}
        scale={scale}
        setScale={setScale}
        resizeGuest={resizeGuest}
        setResizeGuest={setResizeGuest}
        layout={layout}
        chooseLayout={chooseLayout}
        canReconnect={(phase.kind === 'disconnected' || phase.kind === 'error') && running}
        sendKeys={sendKeys}
        paste={() => void paste()}
        screenshot={() => void screenshot()}
        fullscreen={fullscreen}
        reconnect={reconnect}
      />
      {phase.kind === 'error' && (
        <div className="banner error" role="alert" data-testid="vm-display-error">
          {phase.message}
        </div>
      )}
      {phase.kind === 'disconnected' && phase.reason && (
        <div
          className="banner warning"
          role="status"
          data-testid="vm-display-drop"
          data-reason={phase.reason}
        >
          {t(`display.drop.${phase.reason}`)}
        </div>
      )}
      {phase.kind === 'not-running' && (
        <div className="display-offer status-page" data-testid="display-not-running">
          <p>{stoppedWhileViewed ? t('display.drop.vm-stopped') : t('display.notRunning')}</p>
          {startError && (
            <p className="error-text" role="alert">
              {startError}
            </p>
          )}
          <button
            type="button"
            className="btn suggested"
            disabled={busy}
            onClick={() => void start()}
            data-testid="display-start"
          >
            {busy ? t('display.starting') : t('display.start')}
          </button>
        </div>
      )}
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
