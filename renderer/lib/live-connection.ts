/** The dashboard's WebSocket (/api/ws): reconnects by itself with backoff and jitter until closed. */
import { backoffMs } from '../../shared/backoff.ts';
import { LIVE_PATH, LIVE_PROTOCOL, type LiveClientMessage, type LiveServerMessage } from '../../shared/live.ts';

export interface LiveHandlers {
  onMessage: (m: LiveServerMessage) => void;
  /** Called with true on every (re)connect, before any message of that connection. */
  onStatus: (connected: boolean) => void;
}

export class LiveConnection {
  #socket: WebSocket | undefined;
  #closed = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #url: string;
  readonly #protocols: string[];
  readonly #handlers: LiveHandlers;

  /** The session cookie signs the feed in (the coordinator takes it from this page's own origin only). */
  constructor(base: string, handlers: LiveHandlers) {
    const url = new URL(LIVE_PATH, base.startsWith('http') ? base : location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.#url = url.toString();
    this.#protocols = [LIVE_PROTOCOL];
    this.#handlers = handlers;
    this.connect();
  }

  private connect(): void {
    const socket = new WebSocket(this.#url, this.#protocols);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#handlers.onStatus(true); // the handler subscribes again to what it follows
    };
    socket.onmessage = (e) => this.#handlers.onMessage(JSON.parse(String(e.data)) as LiveServerMessage);
    socket.onclose = () => {
      this.#handlers.onStatus(false);
      if (this.#closed) return;
      // After a coordinator restart: come back quickly, then back off, with jitter.
      const delay = backoffMs(this.#attempt++, 5000, 250);
      this.#timer = setTimeout(() => this.connect(), delay);
    };
  }

  private send(message: LiveClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  /** Asks for a job's log chunks after seq `after`; dropped while disconnected (subscribe again on connect). */
  subscribe(jobId: string, after: number): void {
    this.send({ type: 'subscribe', jobId, after });
  }

  unsubscribe(jobId: string): void {
    this.send({ type: 'unsubscribe', jobId });
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
  }
}
