/** A Windows job's two output streams, each through its own ConsoleDecoder (the PC's OEM code page for what is not UTF-8). */
import type { OutputStreamName, RunOptions } from '../executor.ts';
import { ConsoleDecoder } from './console-decoder.ts';
import { win32Api } from './win32-api.ts';

export class WindowsOutput {
  readonly #onOutput: RunOptions['onOutput'];
  readonly #decoders: Record<OutputStreamName, ConsoleDecoder>;

  constructor(onOutput: RunOptions['onOutput'], oemCodePage = oemCodePageOfThisPc()) {
    this.#onOutput = onOutput;
    this.#decoders = { stdout: new ConsoleDecoder(oemCodePage), stderr: new ConsoleDecoder(oemCodePage) };
  }

  readonly onOutput = (stream: OutputStreamName, chunk: Buffer): void | Promise<void> => {
    const text = this.#decoders[stream].write(chunk);
    return text.length > 0 ? this.#onOutput(stream, text) : undefined;
  };

  /** A line's shell ended: what a decoder still holds (a cut sequence) is handed on. */
  async flush(): Promise<void> {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#decoders[stream].end();
      if (rest.length > 0) await this.#onOutput(stream, rest);
    }
  }
}

function oemCodePageOfThisPc(): number {
  const api = win32Api();
  return 'unavailable' in api ? 437 : api.GetOEMCP();
}
