/** Find in the output: highlights every match in the terminal, counts them ("3 of 12"), steps with Enter / Shift+Enter. */
import type { ISearchOptions, SearchAddon } from '@xterm/addon-search';
import { useEffect, useState } from 'react';
import { Icon } from '../icons.tsx';
import { SEARCH_LIMIT } from './log-terminal.ts';

const OPTIONS: ISearchOptions = {
  decorations: {
    matchBackground: '#854d0e',
    matchOverviewRuler: '#ca8a04',
    activeMatchBackground: '#2563eb',
    activeMatchColorOverviewRuler: '#2563eb',
  },
};

interface Results {
  index: number;
  count: number;
}

export function matchText(query: string, results: Results | null): string {
  if (!query || !results) return '';
  if (results.count === 0) return 'No matches';
  const total = results.count >= SEARCH_LIMIT ? `${SEARCH_LIMIT}+` : String(results.count);
  return results.index < 0 ? `${total} matches` : `${results.index + 1} of ${total}`;
}

export function LogSearch({ search }: { search: SearchAddon | null }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results | null>(null);

  useEffect(() => {
    if (!search) return;
    const subscription = search.onDidChangeResults((e) => setResults({ index: e.resultIndex, count: e.resultCount }));
    return () => subscription.dispose();
  }, [search]);

  const find = (term: string, direction: 'next' | 'previous', incremental = false) => {
    if (!search) return;
    if (!term) {
      search.clearDecorations();
      setResults(null);
      return;
    }
    if (direction === 'next') search.findNext(term, { ...OPTIONS, incremental });
    else search.findPrevious(term, OPTIONS);
  };

  return (
    <div className="log-search" role="search">
      <input
        type="search"
        placeholder="Find in output"
        aria-label="Find in output"
        data-testid="log-search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          find(e.target.value, 'next', true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(query, e.shiftKey ? 'previous' : 'next');
          }
        }}
      />
      <span className="log-matches" data-testid="log-matches" aria-live="polite">
        {matchText(query, results)}
      </span>
      <button type="button" className="secondary small" aria-label="Previous match" disabled={!query} onClick={() => find(query, 'previous')}>
        <Icon name="up" />
      </button>
      <button type="button" className="secondary small" aria-label="Next match" disabled={!query} onClick={() => find(query, 'next')}>
        <Icon name="down" />
      </button>
    </div>
  );
}
