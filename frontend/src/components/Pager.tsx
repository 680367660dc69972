import { Button } from "./ui";
import { text } from "./styles";

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
    <footer className="flex items-center justify-between pt-3">
      <span className={text.muted} data-testid="pager-range">
        {first}–{last} of {count}
      </span>
      <div className="flex gap-2">
        <Button
          disabled={offset === 0}
          onClick={() => {
            onOffsetChange(Math.max(0, offset - pageSize));
          }}
        >
          Previous
        </Button>
        <Button
          disabled={offset + pageSize >= count}
          onClick={() => {
            onOffsetChange(offset + pageSize);
          }}
        >
          Next
        </Button>
      </div>
    </footer>
  );
}
