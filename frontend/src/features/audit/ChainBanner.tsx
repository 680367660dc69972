import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { cx, text } from "../../components/styles";
import { Button } from "../../components/ui";
import type { AuditChain } from "./audit";
import { plural } from "./audit";
import { useAuditChain } from "./queries";

const TONES = {
  ok: "border-green-200 bg-green-50 text-green-900",
  broken: "border-red-200 bg-red-50 text-red-900",
} as const;

function ChainResult({ chain, onCheck }: { chain: AuditChain; onCheck: () => void }) {
  const { broken } = chain;
  return (
    <section
      data-testid="audit-chain"
      data-ok={String(broken === null)}
      role={broken === null ? "status" : "alert"}
      className={cx(
        "flex items-start justify-between gap-4 rounded-card border px-5 py-4",
        TONES[broken === null ? "ok" : "broken"],
      )}
    >
      {broken === null ? (
        <div>
          <strong>Chain verified: {plural(chain.rows_checked, "row")} intact</strong>
          <p className={text.muted}>
            Every row follows the one before it and hashes to its row_hash. Head: chain_seq{" "}
            {chain.head_seq}, <span className={text.mono}>{chain.head_hash}</span> (keep a copy:
            a rewrite of the whole chain shows only against an earlier head)
          </p>
        </div>
      ) : (
        <div>
          <strong>
            Chain broken:{" "}
            {broken.row_id === null
              ? `rows missing at the end (chain_seq ${String(broken.chain_seq)})`
              : `${broken.problem} at row id ${String(broken.row_id)} (chain_seq ${String(broken.chain_seq)})`}
          </strong>
          <p className="mt-0.5 [overflow-wrap:anywhere]" data-testid="audit-chain-detail">
            {broken.detail}
          </p>
          <p className={text.muted}>
            {plural(chain.rows_checked, "row")} verified before it. The trail was changed outside
            the platform: compare with a backup and the head you kept (chain_seq {chain.head_seq}).
          </p>
        </div>
      )}
      <Button onClick={onCheck}>Check again</Button>
    </section>
  );
}

/** The check of the whole hash chain, above the table (`finops audit verify`). */
export function ChainBanner() {
  const chain = useAuditChain();
  if (chain.isPending) {
    return <Loading label="Checking the audit chain…" />;
  }
  if (chain.isError) {
    return (
      <ErrorMessage
        title="Could not check the audit chain"
        error={chain.error}
        onRetry={() => void chain.refetch()}
      />
    );
  }
  return <ChainResult chain={chain.data} onCheck={() => void chain.refetch()} />;
}
