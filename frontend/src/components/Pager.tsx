interface PagerProps {
  offset: number;
  pageSize: number;
  /** rows on the current page */
  shown: number;
  /** rows in all pages */
  count: number;
  onOffsetChange: (offset: number) => void;
}

/** "1–50 of 120" with Previous / Next buttons, for the paginated API lists. */
export function Pager({ offset, pageSize, shown, count, onOffsetChange }: PagerProps) {
  const first = count === 0 ? 0 : offset + 1;
  const last = Math.min(offset + shown, count);
  return (
    <footer className="pager">
      <span className="card-subtitle">
        {first}–{last} of {count}
      </span>
      <div className="pager-buttons">
        <button
          type="button"
          className="button button-plain"
          disabled={offset === 0}
          onClick={() => {
            onOffsetChange(Math.max(0, offset - pageSize));
          }}
        >
          Previous
        </button>
        <button
          type="button"
          className="button button-plain"
          disabled={offset + pageSize >= count}
          onClick={() => {
            onOffsetChange(offset + pageSize);
          }}
        >
          Next
        </button>
      </div>
    </footer>
  );
}
