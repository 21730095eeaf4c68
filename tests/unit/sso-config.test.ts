// Single sign-on settings (docs/authentication.md): the group → role map, and the checks that stop
// start-up with a clear message when a method is half configured or nothing could log in.
import { describe, expect, it } from "vitest";
import { parseRoleMap, roleForGroups } from "@/server/auth/sso/role-map";
import { groupsFromClaims, loginFromClaims } from "@/server/auth/sso/oidc-claims";
import { parseConfig } from "@/server/config";

const map = parseRoleMap("ops-admins=admin, ops=operator ,everyone=viewer");

describe("the group → role map", () => {
  it("gives the highest role of the mapped groups, and names the groups that matched", () => {
    expect(roleForGroups(map, ["everyone", "ops"])).toEqual({ role: "operator", groups: ["ops", "everyone"] });
    expect(roleForGroups(map, ["OPS-Admins", "sales"])).toEqual({ role: "admin", groups: ["ops-admins"] });
    expect(roleForGroups(map, ["sales", "ops-admins-not"])).toBeNull();
    expect(roleForGroups(map, [])).toBeNull();
  });

  it("refuses entries that are not group=role, unknown roles and duplicates", () => {
    expect(() => parseRoleMap("ops")).toThrow(/"ops" is not group=role/);
    expect(() => parseRoleMap("=admin")).toThrow(/not group=role/);
    expect(() => parseRoleMap("ops=root")).toThrow(/one of viewer, operator, admin/);
    expect(() => parseRoleMap("ops=admin,OPS=viewer")).toThrow(/mapped twice/);
    expect(parseRoleMap("")).toEqual([]);
  });
});

describe("single sign-on settings", () => {
  const ldap = {
    AC_LDAP_URL: "ldap://ldap.example.internal",
    AC_LDAP_BIND_DN: "cn=ac,dc=example",
    AC_LDAP_BIND_PASSWORD: "secret-value",
    AC_LDAP_USER_BASE: "ou=people,dc=example",
    AC_LDAP_GROUP_BASE: "ou=groups,dc=example",
    AC_SSO_ROLE_MAP: "ops=operator",
  };

  it("need nothing by default: local accounts only", () => {
    expect(parseConfig({})).toMatchObject({ AC_LOCAL_LOGIN: true, AC_SSO_ROLE_MAP: [], AC_SSO_RECHECK_MINUTES: 5 });
  });

  it("accept a complete LDAP setup and say what a half one misses", () => {
    expect(parseConfig(ldap).AC_SSO_ROLE_MAP).toEqual([{ group: "ops", role: "operator" }]);
    expect(() => parseConfig({ ...ldap, AC_LDAP_GROUP_BASE: "" })).toThrow(
      /AC_LDAP_GROUP_BASE="": is required with AC_LDAP_URL/,
    );
    expect(() => parseConfig({ ...ldap, AC_LDAP_URL: "http://ldap" })).toThrow(/ldap:\/\/ or ldaps:\/\//);
    expect(() => parseConfig({ ...ldap, AC_LDAP_USER_FILTER: "(uid=*)" })).toThrow(/must contain \{login\}/);
    expect(() => parseConfig({ ...ldap, AC_LDAP_URL: "ldaps://x", AC_LDAP_STARTTLS: "true" })).toThrow(
      /ldaps:\/\/ is TLS already/,
    );
    expect(() => parseConfig({ ...ldap, AC_LDAP_CA_FILE: "/nonexistent/ca.pem" })).toThrow(
      /AC_LDAP_CA_FILE.*cannot be read/,
    );
  });

  it("hide the LDAP and OIDC secrets in error messages", () => {
    let message = "";
    try {
      parseConfig({ ...ldap, AC_LDAP_BIND_PASSWORD: "hunter2-secret", AC_LDAP_URL: "", AC_LOCAL_LOGIN: "false" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/AC_LOCAL_LOGIN/);
    expect(message).not.toContain("hunter2-secret");
  });

  it("need all three OIDC settings, a role map with any SSO method, and some way to log in", () => {
    const oidc = {
      AC_OIDC_ISSUER: "https://idp.example/realms/ops",
      AC_OIDC_CLIENT_ID: "ac",
      AC_OIDC_CLIENT_SECRET: "s",
    };
    expect(parseConfig({ ...oidc, AC_SSO_ROLE_MAP: "ops=admin" }).AC_OIDC_SCOPES).toBe("openid profile email");
    expect(() => parseConfig({ AC_OIDC_ISSUER: oidc.AC_OIDC_ISSUER, AC_SSO_ROLE_MAP: "ops=admin" })).toThrow(
      /AC_OIDC_CLIENT_ID="": is required for OIDC login/,
    );
    expect(() => parseConfig(oidc)).toThrow(/AC_SSO_ROLE_MAP="": is required with OIDC or LDAP/);
    expect(() => parseConfig({ ...oidc, AC_SSO_ROLE_MAP: "ops=admin", AC_OIDC_SCOPES: "profile email" })).toThrow(
      /include openid/,
    );
    expect(() => parseConfig({ AC_LOCAL_LOGIN: "false" })).toThrow(/can be false only when OIDC or LDAP is set/);
    expect(() => parseConfig({ AC_SSO_ROLE_MAP: "ops=god" })).toThrow(/AC_SSO_ROLE_MAP="ops=god"/);
  });
});

describe("OIDC claims", () => {
  it("read groups by name or dotted path, bounded, and a valid login or none", () => {
    expect(groupsFromClaims({ groups: ["a", 1, "", "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsFromClaims({ realm_access: { roles: ["ops"] } }, "realm_access.roles")).toEqual(["ops"]);
    expect(groupsFromClaims({ groups: "ops" }, "groups")).toEqual(["ops"]);
    expect(groupsFromClaims({ groups: Array.from({ length: 5000 }, (_, i) => `g${i}`) }, "groups")).toHaveLength(1000);
    expect(loginFromClaims({ preferred_username: "alice@corp.example" }, "preferred_username")).toBe(
      "alice@corp.example",
    );
    expect(
      loginFromClaims(
        { preferred_username: "a b<script>", email: "bob@corp.example", email_verified: true },
        "preferred_username",
      ),
    ).toBe("bob@corp.example");
    // An address the provider did not verify could be a colleague's, typed in by someone else.
    expect(
      loginFromClaims({ preferred_username: "a b<script>", email: "bob@corp.example" }, "preferred_username"),
    ).toBeNull();
    expect(loginFromClaims({ preferred_username: "../../x y" }, "preferred_username")).toBeNull();
  });
});
