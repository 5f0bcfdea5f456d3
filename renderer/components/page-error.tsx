/**
 * A page that cannot show what its URL names (no such job or run, or the coordinator did not answer):
 * still one `<main>` with one h1, where the focus goes after the route change, then why, and a way back.
 */
import { ApiError } from '../lib/api-error.ts';
import { Icon } from './icons.tsx';

interface PageErrorProps {
  /** What the URL names, as a title word: `Job`, `Run`. */
  what: string;
  id: string;
  error: Error;
  back: { href: string; label: string };
  /** Asks again (not offered when there is nothing to find). */
  onRetry: () => void;
}

export function PageError({ what, id, error, back, onRetry }: PageErrorProps) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <main className="page" data-testid="page-error">
      <a href={back.href} className="back">
        <Icon name="back" /> {back.label}
      </a>
      <h1>{notFound ? `${what} not found` : `The ${what.toLowerCase()} could not be loaded`}</h1>
      <p className="error" role="alert">
        {notFound ? (
          <>
            This coordinator has no {what.toLowerCase()} <span className="mono">{id}</span>: the link may be mistyped, or come from another coordinator.
          </>
        ) : (
          error.message
        )}
      </p>
      {!notFound && (
        <button type="button" className="secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </main>
  );
}
