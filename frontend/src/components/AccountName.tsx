import { useAccountNames } from "../api/accounts";
import { cx, text } from "./styles";

/**
 * An account as people know it: its name with the id below in small type (`stacked`) or after
 * it in brackets; the bare id when the account has no name (or names are still loading).
 */
export function AccountName({ id, stacked = false }: { id: string; stacked?: boolean }) {
  const name = useAccountNames().get(id);
  if (name === undefined) {
    return <span data-testid="account-name" data-account={id}>{id}</span>;
  }
  if (stacked) {
    return (
      <span data-testid="account-name" data-account={id}>
        <span className={cx("block", text.main)}>{name}</span>
        <span className={cx("block", text.sub, "font-mono")}>{id}</span>
      </span>
    );
  }
  return (
    <span data-testid="account-name" data-account={id} title={id}>
      {name} <span className="text-slate-500">({id})</span>
    </span>
  );
}
