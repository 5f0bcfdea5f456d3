/** The coordinators a worker may speak to (one, or a campus sharing one identity and one database), and which one it speaks to now. */

export class CampusAddresses {
  readonly #servers: URL[];
  #at = 0;
  /** Told when the next one became current. */
  onMove: ((from: string, to: string) => void) | undefined;

  /** `first`, then the others in their order, each an http(s) URL (refused otherwise, with the flag's name). */
  constructor(first: string, others: readonly string[] = [], onMove?: (from: string, to: string) => void) {
    this.#servers = [first, ...others.filter((s) => s !== first)].map((server) => {
      const url = new URL(server);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--server must be an http:// or https:// address (got ${server}).`);
      return url;
    });
    this.onMove = onMove;
  }

  get current(): URL {
    return this.#servers[this.#at]!;
  }

  get all(): readonly URL[] {
    return this.#servers;
  }

  /** There is another coordinator to move to. */
  get several(): boolean {
    return this.#servers.length > 1;
  }

  /** Which one is current: a request remembers it, so requests that failed together move once, not past a live one. */
  get at(): number {
    return this.#at;
  }

  /** The one at `failed` stopped answering: the next one becomes current. False when there is no other, or another failure moved already. */
  moveOn(failed: number): boolean {
    if (!this.several || failed !== this.#at) return false;
    const from = this.current.origin;
    this.#at = (this.#at + 1) % this.#servers.length;
    this.onMove?.(from, this.current.origin);
    return true;
  }
}
