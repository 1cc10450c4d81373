import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebglAddon } from '@xterm/addon-webgl';
import '@xterm/xterm/css/xterm.css';
import type { CallOutput, EventPayload } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import './console.css';

type OpenResult = CallOutput<'console.openSerial'>;
type ConsoleState = EventPayload<'console.state'>['state'];

/** Acknowledge written output in batches (≥ 16 KiB, or after 10 ms). */
const ACK_BATCH = 16 * 1024;
const ACK_DELAY_MS = 10;

export interface TerminalViewProps {
  /** Opens the session (console.openSerial / console.openHost) with the fitted size. */
  open: (size: { cols: number; rows: number }) => Promise<OpenResult>;
  /** Changing this re-opens the session. */
  openKey: string;
  testId: string;
  /** Shown when the session ends, with a button to open it again. */
  onExit?: (e: EventPayload<'console.exit'>) => void;
  toolbarExtra?: ReactNode;
}

/**
 * An xterm.js terminal bound to a console session: WebGL renderer (DOM fallback on failure or context
 * loss), fit to the pane (resize forwarded), search (Ctrl+Shift+F), copy/paste (Ctrl+Shift+C/V), and flow
 * control — output is acknowledged only after xterm has written it (term.write callback).
 */
export const TerminalView = ({ open, openKey, testId, onExit, toolbarExtra }: TerminalViewProps) => {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<ConsoleState>('connecting');
  const [note, setNote] = useState<string | null>(null);
  // The main process's word on the connection itself (e.g. polkit asking for a password), not guest output.
  const [stateMessage, setStateMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exited, setExited] = useState<EventPayload<'console.exit'> | null>(null);
  const [searching, setSearching] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const [nonce, setNonce] = useState(0);
  const openRef = useRef(open);
  const exitRef = useRef(onExit);
  useEffect(() => {
    openRef.current = open;
    exitRef.current = onExit;
  });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const api = getApi();
    const term = new Terminal({
      cursorBlink: true,
      scrollback: 5000,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono", monospace',
      fontSize: 14,
      allowProposedApi: true,
      theme: { background: '#1e1e1e', foreground: '#e6e6e6' },
    });
    termRef.current = term;
    const fit = new FitAddon();
    const search = new SearchAddon();
    searchRef.current = search;
    term.loadAddon(fit);
    term.loadAddon(search);
    term.open(el);
    let webgl: WebglAddon | null = null;
    const setRenderer = (r: 'webgl' | 'dom'): void => {
      if (root.current) root.current.dataset.renderer = r;
    };
    try {
      webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl?.dispose(); // back to the DOM renderer
        webgl = null;
        setRenderer('dom');
      });
      term.loadAddon(webgl);
      setRenderer('webgl');
    } catch {
      webgl = null;
      setRenderer('dom');
    }
    try {
      fit.fit();
    } catch {
      // not laid out yet
    }

    // Read-only view of the buffer for tests and diagnostics (the WebGL renderer draws no DOM text).
    const rootEl = root.current as (HTMLDivElement & { vdBufferText?: (lines?: number) => string }) | null;
    if (rootEl) {
      rootEl.vdBufferText = (lines = 200) => {
        const buf = term.buffer.active;
        const out: string[] = [];
        for (let y = Math.max(0, buf.length - lines); y < buf.length; y++)
          out.push(buf.getLine(y)?.translateToString(true) ?? '');
        return out.join('\n');
      };
    }

    let sessionId: string | null = null;
    let opening = true;
    let disposed = false;
    // Output that arrives before openSerial/openHost answered, by session id.
    const early = new Map<string, string[]>();
    let pendingAck = 0;
    let ackTimer: ReturnType<typeof setTimeout> | null = null;
    const flushAck = (): void => {
      if (ackTimer) clearTimeout(ackTimer);
      ackTimer = null;
      if (!sessionId || pendingAck === 0) return;
      const bytes = pendingAck;
      pendingAck = 0;
      void api.call('console.ack', { sessionId, bytes }).catch(() => undefined);
    };
    const written = (n: number): void => {
      pendingAck += n;
      if (pendingAck >= ACK_BATCH) flushAck();
      else if (!ackTimer) ackTimer = setTimeout(flushAck, ACK_DELAY_MS);
    };
    const write = (data: string): void => term.write(data, () => written(data.length));

    const offData = api.on('console.data', (p) => {
      if (p.sessionId === sessionId) write(p.data);
      else if (opening) {
        const list = early.get(p.sessionId) ?? [];
        list.push(p.data);
        early.set(p.sessionId, list);
      }
    });
    const offState = api.on('console.state', (p) => {
      if (p.sessionId !== sessionId) return;
      setState(p.state);
      setStateMessage(p.message ?? null);
    });
    const offExit = api.on('console.exit', (p) => {
      if (p.sessionId !== sessionId) return;
      flushAck();
      sessionId = null;
      setExited(p);
      exitRef.current?.(p);
    });

    const input = term.onData((data) => {
      if (sessionId) void api.call('console.write', { sessionId, data }).catch(() => undefined);
    });
    const binaryInput = term.onBinary((data) => {
      if (sessionId) void api.call('console.write', { sessionId, data }).catch(() => undefined);
    });
    const resize = term.onResize(({ cols, rows }) => {
      if (sessionId) void api.call('console.resize', { sessionId, cols, rows }).catch(() => undefined);
    });
    const ro = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // hidden
      }
    });
    ro.observe(el);

    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      const k = e.key.toLowerCase();
      if (k === 'c') {
        const sel = term.getSelection();
        if (sel) void navigator.clipboard?.writeText(sel).catch(() => undefined);
        return false;
      }
      if (k === 'v') {
        void navigator.clipboard
          ?.readText()
          .then((text) => term.paste(text))
          .catch(() => undefined);
        return false;
      }
      if (k === 'f') {
        setSearching(true);
        requestAnimationFrame(() => searchInput.current?.focus());
        return false;
      }
      return true;
    });

    openRef
      .current({ cols: term.cols, rows: term.rows })
      .then((r) => {
        opening = false;
        if (disposed) {
          void api.call('console.close', { sessionId: r.sessionId }).catch(() => undefined);
          return;
        }
        sessionId = r.sessionId;
        setState(r.state);
        setNote(r.note ?? null);
        for (const d of early.get(r.sessionId) ?? []) write(d);
        early.clear();
        // the size may have changed while opening
        void api
          .call('console.resize', { sessionId, cols: term.cols, rows: term.rows })
          .catch(() => undefined);
        term.focus();
      })
      .catch((e: unknown) => {
        opening = false;
        early.clear();
        if (!disposed) setError((e as Error).message ?? String(e));
      });

    return () => {
      disposed = true;
      flushAck();
      if (sessionId) void api.call('console.close', { sessionId }).catch(() => undefined);
      sessionId = null;
      offData();
      offState();
      offExit();
      input.dispose();
      binaryInput.dispose();
      resize.dispose();
      ro.disconnect();
      webgl?.dispose();
      term.dispose();
      termRef.current = null;
      searchRef.current = null;
    };
    // openKey: the parent also keys the component by it; nonce: "Open again"
  }, [openKey, nonce]);

  const find = (dir: 'next' | 'prev'): void => {
    const q = searchInput.current?.value ?? '';
    if (!q) return;
    if (dir === 'next') searchRef.current?.findNext(q);
    else searchRef.current?.findPrevious(q);
  };

  return (
    <div className="console-view" ref={root} data-testid={testId} data-state={state} data-renderer="dom">
      <div className="console-toolbar">
        <span className={`console-state ${state}`} data-testid={`${testId}-state`}>
          {t(`console.state.${state}`)}
        </span>
        {note && <span className="dim">{note}</span>}
        {stateMessage && (
          <span className="dim" role="status" data-testid={`${testId}-message`}>
            {stateMessage}
          </span>
        )}
        <span style={{ flex: 1 }} />
        {toolbarExtra}
        <button
          type="button"
          className="btn small"
          title={t('console.search.hint')}
          onClick={() => {
            setSearching((s) => !s);
            requestAnimationFrame(() => searchInput.current?.focus());
          }}
        >
          {t('console.search')}
        </button>
      </div>
      {searching && (
        <div className="console-search" role="search">
          <input
            ref={searchInput}
            className="entry"
            placeholder={t('console.search.placeholder')}
            aria-label={t('console.search')}
            onKeyDown={(e) => {
              if (e.key === 'Enter') find(e.shiftKey ? 'prev' : 'next');
              if (e.key === 'Escape') {
                setSearching(false);
                searchRef.current?.clearDecorations();
                termRef.current?.focus();
              }
            }}
          />
          <button type="button" className="btn small" onClick={() => find('prev')}>
            {t('console.search.prev')}
          </button>
          <button type="button" className="btn small" onClick={() => find('next')}>
            {t('console.search.next')}
          </button>
        </div>
      )}
      {error && (
        <div className="banner error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </div>
      )}
      {exited && (
        <div className="banner warning" role="status" data-testid={`${testId}-exited`}>
          {exited.reason === 'vm-stopped' ? t('console.exit.vmStopped') : t('console.exit.ended')}
          {exited.message ? ` — ${exited.message}` : ''}
          <button
            type="button"
            className="btn small"
            onClick={() => {
              setState('connecting');
              setExited(null);
              setError(null);
              setNonce((n) => n + 1);
            }}
          >
            {t('console.reopen')}
          </button>
        </div>
      )}
      <div className="console-term" ref={host} />
    </div>
  );
};
