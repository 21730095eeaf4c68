// Which database errors a running task retries through (server/tasks/db-retry.ts): the database
// unreachable or restarting, never a statement it refused. The outage itself is exercised with a
// real PostgreSQL in tests/integration/task-db-outage.test.ts.
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/server/db-errors";

const withCause = (message: string, cause: unknown) => Object.assign(new Error(message), { cause });

describe("isDatabaseUnavailable", () => {
  it("is true for a server that is down, restarting or dropped the connection, however deep the cause", () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error("Can't reach database server at 127.0.0.1:45389"))).toBe(true);
    expect(isDatabaseUnavailable(withCause("query failed", Object.assign(new Error("x"), { code: "57P01" })))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(withCause("a", withCause("b", new Error("Connection terminated unexpectedly"))))).toBe(
      true,
    );
    expect(
      isDatabaseUnavailable(Object.assign(new Error("the database system is starting up"), { code: "57P03" })),
    ).toBe(true);
  });

  it("is false for errors the database answered: a constraint, bad SQL, a missing row", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key value"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "SELEC"'), { code: "42601" }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error("No record was found"), { code: "P2025" }))).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED as a string is not an error object")).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
