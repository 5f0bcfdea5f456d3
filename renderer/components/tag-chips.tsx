/** A worker's tags as small chips (the text says it all; no colour carries meaning). */
export function TagChips({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <span className="muted small">no tags</span>;
  return (
    <span className="tags">
      {tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
    </span>
  );
}
