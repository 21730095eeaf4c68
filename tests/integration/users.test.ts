import { beforeEach, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { checkCredentials, createUser, ensureFirstAdmin, updateUser } from "@/server/users/users";
import { resetDatabase } from "@/tests/setup/db-helpers";

beforeEach(() => resetDatabase());

describe("accounts", () => {
  it("creates the first admin with a random password printed once, and only once", async () => {
    const lines: string[] = [];
    await ensureFirstAdmin((line) => lines.push(line));
    const password = /password (\S+)/.exec(lines.join("\n"))?.[1];
    expect(password).toBeDefined();
    expect(await checkCredentials("admin", password!)).toMatchObject({ login: "admin", role: "admin" });
    await ensureFirstAdmin((line) => lines.push(line));
    expect(await db().user.count()).toBe(1);
    const stored = await db().user.findUniqueOrThrow({ where: { login: "admin" }, omit: { passwordHash: false } });
    expect(stored.passwordHash).not.toContain(password!);
  });

  it("creates one admin when replicas start together: one account, one password printed", async () => {
    const lines: string[] = [];
    await Promise.all([1, 2, 3, 4].map(() => ensureFirstAdmin((line) => lines.push(line))));
    expect(await db().user.findMany({ select: { login: true, role: true } })).toEqual([
      { login: "admin", role: "admin" },
    ]);
    const printed = lines.flatMap((line) => /password (\S+)/.exec(line)?.[1] ?? []);
    expect(printed).toHaveLength(1);
    expect(await checkCredentials("admin", printed[0]!)).toMatchObject({ login: "admin" });
  });

  it("creates the AC_ADMIN_USER account once when replicas start together", async () => {
    Object.assign(process.env, { AC_ADMIN_USER: "root", AC_ADMIN_PASSWORD: "root-password-1" });
    reloadConfig();
    try {
      const lines: string[] = [];
      await Promise.all([1, 2, 3].map(() => ensureFirstAdmin((line) => lines.push(line))));
      expect(await db().user.findMany({ select: { login: true, role: true } })).toEqual([
        { login: "root", role: "admin" },
      ]);
      expect(lines.filter((line) => line.includes("created admin user"))).toHaveLength(1);
    } finally {
      delete process.env.AC_ADMIN_USER;
      delete process.env.AC_ADMIN_PASSWORD;
      reloadConfig();
    }
  });

  it("refuses a wrong password, an unknown login and a disabled account alike", async () => {
    const user = await createUser({ login: "ops", password: "correct-horse-1", role: "operator" });
    expect(await checkCredentials("ops", "correct-horse-1")).toMatchObject({ id: user.id, role: "operator" });
    expect(await checkCredentials("ops", "wrong-horse-11")).toBeNull();
    expect(await checkCredentials("nobody", "correct-horse-1")).toBeNull();
    await updateUser(user.id, { disabled: true });
    expect(await checkCredentials("ops", "correct-horse-1")).toBeNull();
  });

  it("refuses a duplicate login with a clear message", async () => {
    await createUser({ login: "twin", password: "password-123", role: "viewer" });
    await expect(createUser({ login: "twin", password: "password-456", role: "viewer" })).rejects.toThrow(
      'A user with login "twin" already exists',
    );
  });

  it("keeps at least one active admin and stops admins from demoting themselves", async () => {
    const admin = await createUser({ login: "root-admin", password: "password-123", role: "admin" });
    await expect(updateUser(admin.id, { role: "viewer" })).rejects.toThrow(/at least one active admin/);
    await expect(updateUser(admin.id, { disabled: true }, admin.id)).rejects.toThrow(/cannot disable yourself/);
    const second = await createUser({ login: "second-admin", password: "password-123", role: "admin" });
    await expect(updateUser(admin.id, { role: "operator" }, second.id)).resolves.toMatchObject({ role: "operator" });
  });
});
