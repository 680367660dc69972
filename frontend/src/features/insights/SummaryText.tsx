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

/** A block's lines: runs of `- ` items as a list, the other lines as paragraphs. */
function Block({ lines }: { lines: string[] }) {
  const runs: { list: boolean; lines: string[] }[] = [];
  for (const line of lines) {
    const list = line.startsWith("- ");
    const last = runs.at(-1);
    if (last !== undefined && last.list === list) last.lines.push(line);
    else runs.push({ list, lines: [line] });
  }
  return (
    <>
      {runs.map((run, index) =>
        run.list ? (
          <ul key={index} className="m-0 list-disc pl-5">
            {run.lines.map((l, i) => (
              <li key={i}>{inline(l.slice(2))}</li>
            ))}
          </ul>
        ) : (
          run.lines.map((l, i) => (
            <p key={`${index}-${i}`} className="m-0">
              {inline(l)}
            </p>
          ))
        ),
      )}
    </>
  );
}
