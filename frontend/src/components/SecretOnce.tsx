import { useState } from "react";

import { Button } from "./ui";

/**
 * A secret the server returns once (a new API token, a one-time password): shown in full with
 * a copy button and the warning that it cannot be shown again.
 */
export function SecretOnce({
  label,
  secret,
  testId,
  onDone,
}: {
  label: string;
  secret: string;
  testId: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div
      className="my-3 flex flex-col gap-2 rounded-card border border-amber-200 bg-amber-50 px-4 py-3"
      role="status"
    >
      <strong>{label}</strong>
      <span className="text-xs text-amber-800">
        Copy it now: it is shown only this once and cannot be read back later.
      </span>
      <div className="flex flex-wrap items-center gap-2">
        <code
          className="rounded bg-white px-2 py-1 font-mono text-xs [overflow-wrap:anywhere]"
          data-testid={testId}
        >
          {secret}
        </code>
        <Button
          onClick={() => {
            navigator.clipboard.writeText(secret).then(
              () => {
                setCopied("yes");
              },
              () => {
                setCopied("no");
              },
            );
          }}
        >
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
      {copied === "no" && (
        <span className="text-xs text-red-700">The browser refused to copy; select the text.</span>
      )}
    </div>
  );
}
