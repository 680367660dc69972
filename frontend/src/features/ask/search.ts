import { type RawSearch, text } from "../../app/search";

/** The Ask page's state in the URL: the question last asked, so an answer can be linked and
 * survives a reload. */
export interface AskSearch {
  q?: string;
}

export function validateAskSearch(raw: RawSearch): AskSearch {
  return { q: text(raw["q"]) };
}
