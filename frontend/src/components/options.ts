/** A choice in a select: the value written to the URL and what the person reads. */
export interface Option {
  value: string;
  label: string;
}

/** An account as a select option: "name (id)", or the id when it has no name. */
export function accountOption(account: {
  account_id: string;
  account_name: string | null;
}): Option {
  return {
    value: account.account_id,
    label:
      account.account_name === null
        ? account.account_id
        : `${account.account_name} (${account.account_id})`,
  };
}
