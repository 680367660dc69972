import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { Button } from "./ui";

describe("Button", () => {
  it("gives each variant exactly one background (the stylesheet's order would pick otherwise)", () => {
    render(
      <>
        <Button variant="primary">Primary</Button>
        <Button>Plain</Button>
        <Button variant="danger">Danger</Button>
      </>,
    );
    const backgrounds = ["Primary", "Plain", "Danger"].map((name) =>
      screen
        .getByRole("button", { name })
        .className.split(" ")
        .filter((cls) => /^bg-/.test(cls)),
    );
    expect(backgrounds).toEqual([["bg-blue-600"], ["bg-white"], ["bg-white"]]);
  });
});
