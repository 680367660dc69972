import type { ReactNode } from "react";

/**
 * A summary's markdown as the insights job writes it: paragraphs, `**heading**` lines and
 * `- ` list items (anything else is shown as plain text, never as HTML).
 */
export function SummaryText({ body }: { body: string }) {
  const blocks = body.trim().split(/\n\s*\n/);
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="summary-text">
      {blocks.map((block, index) => (
        <Block key={index} lines={block.split("\n")} />
      ))}
    </div>
  );
}

function inline(line: string): ReactNode {
  const parts = line.split(/\*\*(.+?)\*\*/);
  return parts.map((part, i) => (i % 2 === 1 ? <strong key={i}>{part}</strong> : part));
}

function Block({ lines }: { lines: string[] }) {
  if (lines.every((l) => l.startsWith("- "))) {
    return (
      <ul className="m-0 list-disc pl-5">
        {lines.map((l, i) => (
          <li key={i}>{inline(l.slice(2))}</li>
        ))}
      </ul>
    );
  }
  return <p className="m-0">{inline(lines.join(" "))}</p>;
}
