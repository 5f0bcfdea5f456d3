/** Live command output: stdout and stderr told apart, ANSI colours, follows the tail unless scrolled up. */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { parseAnsi } from '../lib/ansi.ts';

export interface OutputPiece {
  stream: 'stdout' | 'stderr';
  text: string;
}

export function OutputView({ pieces, emptyText }: { pieces: OutputPiece[]; emptyText: string }) {
  const box = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);
  const segments = useMemo(() => pieces.flatMap((p) => parseAnsi(p.text, p.stream === 'stderr' ? 'stderr' : 'stdout')), [pieces]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [segments, follow]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
  };

  return (
    <div className="output-wrap">
      <pre className="output" ref={box} onScroll={onScroll} tabIndex={0} aria-label="Job output" data-testid="output">
        {segments.length === 0 ? (
          <span className="muted">{emptyText}</span>
        ) : (
          segments.map((s, i) => (
            <span key={i} className={s.className}>
              {s.text}
            </span>
          ))
        )}
      </pre>
      {!follow && (
        <button className="follow" onClick={() => setFollow(true)}>
          ↓ Follow output
        </button>
      )}
    </div>
  );
}
