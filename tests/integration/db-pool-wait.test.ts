// A transaction waits for a free pool connection as long as any other query does (server/db.ts):
// under load (64 polls share 20 connections; a replica starting beside a busy one) Prisma's own
// 2 s default failed with "Unable to start a transaction in the given time" — a replica's start
// in the replicas suite failed so.
import { describe, expect, it } from "vitest";
import { db, dbPool } from "@/server/db";

describe("the database pool", () => {
  it("lets an interactive transaction wait for a connection the pool gives back later", async () => {
    const pool = dbPool();
    const held = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
    let given = false;
    const giveBack = () => {
      if (!given) held.forEach((client) => client.release());
      given = true;
    };
    // Every connection is taken; they come back after longer than Prisma's default wait (2 s).
    const later = setTimeout(giveBack, 3_000);
    try {
      await expect(db().$transaction(async (tx) => tx.user.count())).resolves.toBeTypeOf("number");
    } finally {
      clearTimeout(later);
      giveBack();
    }
  });
});
