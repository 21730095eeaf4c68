// The server renders "3 minutes ago" from the panel's render clock, and hydration reads the same
// value, so the first paint is as narrow as the live page (components/ui/relative-time.tsx).
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RelativeTime, RenderClock, relative } from "@/components/ui/relative-time";

const renderedAt = Date.UTC(2026, 11, 1, 12, 0, 0);
const threeMinutesBefore = new Date(renderedAt - 3 * 60_000);

describe("RelativeTime on the server", () => {
  it("renders the relative time under the panel's render clock, the exact time in its title", () => {
    const html = renderToString(
      createElement(RenderClock, { now: renderedAt }, createElement(RelativeTime, { date: threeMinutesBefore })),
    );
    expect(html).toContain(">3 minutes ago</time>");
    expect(html).toContain('title="2026-12-01 11:57:00 UTC"');
  });

  it("renders the exact time where no clock is given (nothing to agree on with the browser)", () => {
    expect(renderToString(createElement(RelativeTime, { date: threeMinutesBefore }))).toContain(
      ">2026-12-01 11:57:00 UTC</time>",
    );
  });

  it("words times near now as just now, and older ones by their largest unit", () => {
    expect(relative(new Date(renderedAt - 5_000), renderedAt)).toBe("just now");
    expect(relative(new Date(renderedAt - 2 * 86_400_000), renderedAt)).toBe("2 days ago");
  });
});
