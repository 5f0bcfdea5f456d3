/**
 * Icons as inline SVG: font glyphs such as ⓘ or ◐ render as empty boxes where the system font lacks
 * them (Debian's Chromium), and SVG follows the text colour and size everywhere.
 */
import type { ReactElement } from 'react';
import type { IconName } from './icon-names.ts';

export type { IconName } from './icon-names.ts';

// 16×16 drawings, stroked with the current colour unless filled on purpose.
const PATHS: Record<IconName, ReactElement> = {
  info: (
    <>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M8 7.2v4.3" />
      <circle cx="8" cy="4.8" r="0.9" fill="currentColor" stroke="none" />
    </>
  ),
  warning: (
    <>
      <path d="M8 1.8 15 14H1z" strokeLinejoin="round" />
      <path d="M8 6.2v3.9" />
      <circle cx="8" cy="12" r="0.9" fill="currentColor" stroke="none" />
    </>
  ),
  check: <path d="m2.5 8.5 3.5 3.5 7.5-8" />,
  cross: <path d="m3.5 3.5 9 9m0-9-9 9" />,
  dot: <circle cx="8" cy="8" r="4.5" fill="currentColor" stroke="none" />,
  ring: <circle cx="8" cy="8" r="4.5" />,
  half: (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor" stroke="none" />
    </>
  ),
  pause: <path d="M5.5 3v10m5-10v10" strokeWidth="2.4" />,
  play: <path d="M4.5 2.8v10.4L13 8z" fill="currentColor" strokeLinejoin="round" />,
  bookmark: <path d="M4 1.8h8v12.4L8 11l-4 3.2z" strokeLinejoin="round" />,
  clock: (
    <>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M8 4.2V8l2.6 1.8" />
    </>
  ),
  ban: (
    <>
      <circle cx="8" cy="8" r="6.5" />
      <path d="m3.4 12.6 9.2-9.2" />
    </>
  ),
  pencil: <path d="m10.8 2.6 2.6 2.6-8 8H2.8v-2.6zM9.2 4.2l2.6 2.6" strokeLinejoin="round" />,
  hourglass: <path d="M4 1.8h8M4 14.2h8M5 1.8c0 3.6 6 3.6 6 6.2S5 10.6 5 14.2m6 0c0-3.6-6-3.6-6-6.2" />,
  stop: <rect x="3.5" y="3.5" width="9" height="9" rx="1" fill="currentColor" stroke="none" />,
  back: <path d="M13.5 8h-11m4.5-4.5L2.5 8 7 12.5" />,
  up: <path d="M8 13.5v-11m-4.5 4.5L8 2.5 12.5 7" />,
  down: <path d="M8 2.5v11m-4.5-4.5L8 13.5 12.5 9" />,
  plus: <path d="M8 2.5v11M2.5 8h11" />,
  chevron: <path d="m6 3.5 4.5 4.5L6 12.5" />,
  more: (
    <>
      <circle cx="3.2" cy="8" r="1.3" fill="currentColor" stroke="none" />
      <circle cx="8" cy="8" r="1.3" fill="currentColor" stroke="none" />
      <circle cx="12.8" cy="8" r="1.3" fill="currentColor" stroke="none" />
    </>
  ),
  logout: <path d="M6.5 2.5h-4v11h4M10 4.5 13.5 8 10 11.5M13.5 8H6" />,
  person: (
    <>
      <circle cx="8" cy="5" r="2.8" />
      <path d="M2.5 14c.6-3 2.8-4.6 5.5-4.6s4.9 1.6 5.5 4.6" />
    </>
  ),
};

/** A decorative icon: the words beside it carry the meaning (it is hidden from screen readers). */
export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg
      className={`icon icon-${name}${className ? ` ${className}` : ''}`}
      viewBox="0 0 16 16"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
      data-icon={name}
    >
      {PATHS[name]}
    </svg>
  );
}
