import { describe, expect, it } from "vitest";

import { escapeHtml, tooltipHtml } from "./tooltip";

describe("escapeHtml", () => {
  it("escapes the five HTML metacharacters", () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe("a&amp;b&lt;c&gt;d&quot;e&#39;f");
  });
});

describe("tooltipHtml", () => {
  it("writes the title, each row, the total and a flag, all escaped", () => {
    const html = tooltipHtml({
      title: "Mar 2, 2025",
      rows: [{ key: "<b>S3</b>", value: "$1.00", color: "#2563eb" }],
      total: { key: "Total", value: "$1.00" },
      flag: "Anomalous",
    });
    expect(html).toContain("Mar 2, 2025");
    expect(html).toContain("&lt;b&gt;S3&lt;/b&gt;");
    expect(html).not.toContain("<b>");
    expect(html).toContain('style="background:#2563eb"');
    expect(html).toMatch(/>Total<\/span><span [^>]*data-tooltip-value>\$1\.00</);
    expect(html).toMatch(/>Anomalous<\/div><\/div>$/);
  });
});
