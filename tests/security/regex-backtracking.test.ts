// Text from agents, playbooks and artifact list servers reaches regular expressions that run on
// the server's only thread: each must finish on hostile input in linear-ish time. No duration is
// asserted; an input that backtracks (minutes to hours with the old patterns) runs into the test
// timeout instead. docs/security.md, "Playbooks" and "Hostile agents and the artifact source".
import { describe, expect, it } from "vitest";
import { parseVersionList, versionFromFileName } from "@/server/artifacts/list-formats";
import { redactUrlCredentials } from "@/server/security/redact-url";
import { redact } from "@/server/security/redact";

const hostile = [
  "-password".repeat(20_000), // keyword runs with no "=" or ": " after them
  "a://".repeat(30_000),
  "a://x:".repeat(30_000),
  "password" + " ".repeat(100_000),
  "Bearer ".repeat(30_000),
];

describe("patterns over hostile text finish", () => {
  it.each(hostile.map((text) => [text.slice(0, 12), text]))("redact(%j…)", (_, text) => {
    expect(typeof redact(text, [])).toBe("string");
    expect(typeof redactUrlCredentials(text)).toBe("string");
  });

  it("still redacts what it should after bounding its patterns", () => {
    expect(redact("db_password=hunter2 and https://u:pw@host/x", [])).toBe(
      "db_password=[redacted] and https://u:[redacted]@host/x",
    );
  });

  it("parses artifact lists that never close their tags", () => {
    expect(parseVersionList("<html>" + "<a ".repeat(600_000), null).versions).toEqual([]);
    expect(() => parseVersionList("<metadata>" + "<versions>".repeat(300_000), null)).toThrow(/without a/);
    expect(
      parseVersionList("<metadata><versions>" + "<version>".repeat(60_000) + "</versions>", null).versions,
    ).toEqual([]);
    expect(versionFromFileName("-1".repeat(100_000) + "!")).toBeNull();
  });
});
