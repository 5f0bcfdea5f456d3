/** The token for `cmdx login` from standard input: typed without echo on a terminal, or piped (`cmdx login URL < token.txt`). */

/** The first line of stdin, trimmed; on a terminal, asked for with `prompt` and not shown as it is typed. */
export async function readSecret(stdin: NodeJS.ReadStream, prompt: string, err: NodeJS.WritableStream): Promise<string> {
  if (!stdin.isTTY) {
    const parts: Buffer[] = [];
    for await (const part of stdin) parts.push(part as Buffer);
    return (Buffer.concat(parts).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
  }
  err.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    let typed = '';
    for await (const part of stdin) {
      for (const char of (part as Buffer).toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return typed.trim();
        if (char === '\u0003') throw Object.assign(new Error('Cancelled.'), { exitCode: 130 });
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    }
    return typed.trim();
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    err.write('\n');
  }
}
