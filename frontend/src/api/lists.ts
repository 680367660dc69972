import { type ApiResult, unwrap } from "./fetch";

/** A list's JSON answer: the routes that also speak CSV and Parquet (`format=`) are typed as
 * text too, which the pages never ask for. */
export function jsonBody<T extends object>(result: ApiResult<T | string>): T {
  const value = unwrap(result);
  if (typeof value === "string") {
    throw new Error("the API answered a download where JSON was asked for");
  }
  return value;
}
