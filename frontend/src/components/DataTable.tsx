import type { ComponentProps, ReactNode } from "react";

import { cx, TABLE, text } from "./styles";

/** A table in a horizontally scrolling frame (wide tables scroll, the page does not). */
export function DataTable({ className, ...rest }: ComponentProps<"table">) {
  return (
    <div className="overflow-x-auto">
      <table className={cx(TABLE, className)} {...rest} />
    </div>
  );
}


/** A header column: its label, and whether it holds numbers (right-aligned). */
export interface Column {
  label: ReactNode;
  num?: boolean;
  className?: string;
}

/** The `<thead>` of a data table from its columns (a string is a plain text column). */
export function TableHead({ columns }: { columns: readonly (string | Column)[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, index) => {
          const { label, num = false, className } =
            typeof column === "string" ? { label: column } : column;
          return (
            <th key={index} scope="col" className={cx(num && text.num, className)}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
