import { useState } from "react";

import { LinkButton } from "../../components/ui";

/** The statements the answer ran, folded away by default, each copyable. */
export function SqlList({ statements }: { statements: readonly string[] }) {
  const [copied, setCopied] = useState<number | null>(null);
  if (statements.length === 0) {
    return null;
  }
  return (
    <details data-testid="ask-sql" className="mt-4">
      <summary className="cursor-pointer text-sm font-medium text-slate-600">
        The SQL behind it ({statements.length} {statements.length === 1 ? "statement" : "statements"})
      </summary>
      {statements.map((statement, index) => (
        <div key={index} className="mt-2">
          <div className="flex justify-end">
            <LinkButton
              onClick={() => {
                void navigator.clipboard.writeText(statement).then(() => {
                  setCopied(index);
                });
              }}
            >
              {copied === index ? "Copied" : "Copy"}
            </LinkButton>
          </div>
          <pre
            data-testid="ask-sql-statement"
            className="overflow-x-auto rounded-lg bg-slate-900 p-3 font-mono text-xs whitespace-pre-wrap text-slate-100"
          >
            {statement}
          </pre>
        </div>
      ))}
    </details>
  );
}
