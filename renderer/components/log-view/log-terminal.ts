/** The xterm.js terminal a log view writes into: read-only, bounded scrollback, fitted to its box, searchable. */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

/** Rows kept above the screen; the log window stays below this, so a re-render never loses its top. */
export const SCROLLBACK = 50_000;
/** Matches the search highlights at once; past it the count reads "1000+". */
export const SEARCH_LIMIT = 1000;

/** The dashboard's dark output colours; the 256-colour and true-colour palettes stay xterm's standard ones. */
const THEME: ITheme = {
  background: '#0f172a',
  foreground: '#e2e8f0',
  cursor: '#0f172a',
  cursorAccent: '#0f172a',
  selectionBackground: '#475569',
  black: '#1e293b',
  red: '#f87171',
  green: '#4ade80',
  yellow: '#facc15',
  blue: '#60a5fa',
  magenta: '#e879f9',
  cyan: '#22d3ee',
  white: '#e2e8f0',
  brightBlack: '#94a3b8',
  brightRed: '#fca5a5',
  brightGreen: '#86efac',
  brightYellow: '#fde047',
  brightBlue: '#93c5fd',
  brightMagenta: '#f0abfc',
  brightCyan: '#67e8f9',
  brightWhite: '#ffffff',
};

export interface LogTerminal {
  readonly terminal: Terminal;
  readonly search: SearchAddon;
  /** Resolves once xterm has parsed `text` (it parses in slices between frames). */
  write(text: string): Promise<void>;
  /** Empties the screen and the scrollback. */
  reset(): void;
  /** The absolute row the cursor is on (scrollback rows included). */
  cursorRow(): number;
  atBottom(): boolean;
  atTop(): boolean;
  dispose(): void;
}

/** Opens a terminal in `container`, refitted whenever the container's size changes. */
export function openLogTerminal(container: HTMLElement): LogTerminal {
  const terminal = new Terminal({
    convertEol: true,
    disableStdin: true,
    scrollback: SCROLLBACK,
    allowProposedApi: true, // the search addon's match highlights are decorations, a proposed API
    cursorBlink: false,
    cursorStyle: 'bar',
    cursorInactiveStyle: 'none',
    fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    fontSize: 13,
    lineHeight: 1.2,
    theme: THEME,
  });
  const fit = new FitAddon();
  const search = new SearchAddon({ highlightLimit: SEARCH_LIMIT });
  terminal.loadAddon(fit);
  terminal.loadAddon(search);
  terminal.open(container);
  const refit = () => {
    // A hidden or collapsed box has no size to fit to.
    if (container.clientWidth > 0 && container.clientHeight > 0) fit.fit();
  };
  refit();
  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(refit);
  });
  observer.observe(container);
  const buffer = () => terminal.buffer.active;
  return {
    terminal,
    search,
    write: (text) => new Promise((resolve) => (text ? terminal.write(text, resolve) : resolve())),
    reset: () => terminal.reset(),
    cursorRow: () => buffer().baseY + buffer().cursorY,
    atBottom: () => buffer().viewportY >= buffer().baseY,
    atTop: () => buffer().viewportY === 0,
    dispose: () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      terminal.dispose();
    },
  };
}
