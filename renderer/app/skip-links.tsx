/**
 * The skip links at the top of every dashboard page, shown when focused: "Skip to main content" (the
 * page's h1, else its main) and the page's own, such as "Skip to New job" on the home page. They move
 * the focus without touching the URL, whose hash is the route.
 */
import { focusElement, firstOf } from './focus.ts';

/** A link after "Skip to main content": its words, and where it goes (tried in order). */
export interface SkipTarget {
  label: string;
  selectors: readonly string[];
}

const MAIN: SkipTarget = { label: 'Skip to main content', selectors: ['main h1', 'main'] };

export function SkipLinks({ extra }: { extra: SkipTarget | null }) {
  return (
    <div className="skip-links">
      {[MAIN, ...(extra ? [extra] : [])].map((target, i) => (
        <a
          key={target.label}
          // An in-page anchor (what axe and assistive technology know as a skip link); the click never reaches the router.
          href={`#skip-${i}`}
          className="skip-link"
          onClick={(e) => {
            e.preventDefault();
            const el = firstOf(target.selectors);
            if (el) focusElement(el);
          }}
        >
          {target.label}
        </a>
      ))}
    </div>
  );
}
