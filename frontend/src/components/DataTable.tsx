import type { ComponentProps } from "react";

import { cx, TABLE } from "./styles";

/** A table in a horizontally scrolling frame (wide tables scroll, the page does not). */
export function DataTable({ className, ...rest }: ComponentProps<"table">) {
  return (
    <div className="overflow-x-auto">
      <table className={cx(TABLE, className)} {...rest} />
    </div>
  );
}

