// LDAP / Active Directory login through ldapts (docs/authentication.md, "LDAP"): bind with the
// service account, find the user with the configured filter (the login escaped, RFC 4515), bind
// as the user with their password, then read their groups: a group search per level, following
// groups-in-groups up to AC_LDAP_NESTED_DEPTH (Active Directory's LDAP_MATCHING_RULE_IN_CHAIN
// filter finds nested groups in one search). Every connection and operation has a timeout, so a
// directory that is down or hangs gives DirectoryUnavailableError, never a hanging login.
import fs from "node:fs";
import { Client, Filter, InvalidCredentialsError, SizeLimitExceededError, type Entry } from "ldapts";
import type { Config } from "../../config";

export type LdapSettings = Pick<
  Config,
  | "AC_LDAP_URL"
  | "AC_LDAP_BIND_DN"
  | "AC_LDAP_BIND_PASSWORD"
  | "AC_LDAP_USER_BASE"
  | "AC_LDAP_USER_FILTER"
  | "AC_LDAP_NAME_ATTRIBUTE"
  | "AC_LDAP_ID_ATTRIBUTE"
  | "AC_LDAP_GROUP_BASE"
  | "AC_LDAP_GROUP_FILTER"
  | "AC_LDAP_GROUP_NAME_ATTRIBUTE"
  | "AC_LDAP_NESTED_DEPTH"
  | "AC_LDAP_STARTTLS"
  | "AC_LDAP_CA_FILE"
  | "AC_LDAP_TIMEOUT"
>;

/** `id`: the entry's AC_LDAP_ID_ATTRIBUTE, null when the entry has none (such a user cannot log in). */
export type LdapUser = { dn: string; id: string | null; displayName: string | null; groups: string[] };

/** The directory could not answer (down, hanging, TLS or service-account failure): not the user's fault. */
export class DirectoryUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`LDAP directory unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "DirectoryUnavailableError";
  }
}

/** Bounds on what one login reads, whatever the directory holds. */
const MAX_GROUPS = 1000;
const MAX_MEMBERS_PER_SEARCH = 50;
const MAX_LOGIN_LENGTH = 256;

/** The user when the directory knows them and accepts the password; null otherwise (same answer for all refusals). */
export async function ldapLogin(s: LdapSettings, login: string, password: string): Promise<LdapUser | null> {
  // An empty password would be an "unauthenticated bind", which directories accept (RFC 4513, 5.1.2).
  if (!login || login.length > MAX_LOGIN_LENGTH || !password) return null;
  return withServiceClient(s, async (client) => {
    const entry = await findUser(client, s, login);
    if (!entry) return null;
    if (!(await passwordAccepted(s, entry.dn, password))) return null;
    return userOf(client, s, entry);
  });
}

/** The user and their current groups, read with the service account (the periodic re-check); null when gone. */
export async function ldapLookup(s: LdapSettings, login: string): Promise<LdapUser | null> {
  if (!login || login.length > MAX_LOGIN_LENGTH) return null;
  return withServiceClient(s, async (client) => {
    const entry = await findUser(client, s, login);
    if (!entry) return null;
    return userOf(client, s, entry);
  });
}

async function userOf(client: Client, s: LdapSettings, entry: Entry): Promise<LdapUser> {
  return {
    dn: entry.dn,
    id: entryId(entry, s.AC_LDAP_ID_ATTRIBUTE),
    displayName: firstValue(entry, s.AC_LDAP_NAME_ATTRIBUTE),
    groups: await groupsOf(client, s, entry.dn),
  };
}

/**
 * The entry's lasting id as text. Read as bytes (ldapts `explicitBufferAttributes`), since
 * objectGUID is 16 raw bytes: printable ASCII (entryUUID) stays text, anything else becomes hex.
 */
function entryId(entry: Entry, attribute: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  const bytes = Buffer.isBuffer(first) ? first : Buffer.from(String(first), "utf8");
  if (bytes.length === 0 || bytes.length > 128) return null;
  const printable = bytes.every((b) => b >= 0x21 && b <= 0x7e);
  return printable ? bytes.toString("ascii") : `hex:${bytes.toString("hex")}`;
}

function newClient(s: LdapSettings): Client {
  const ms = s.AC_LDAP_TIMEOUT * 1000;
  // ldapts wraps the connection in TLS at once when the constructor gets tlsOptions: only for ldaps://;
  // StartTLS gets them in startTLS() (ldapts README, "Secure connections").
  const ldaps = s.AC_LDAP_URL!.startsWith("ldaps:");
  return new Client({
    url: s.AC_LDAP_URL!,
    timeout: ms,
    connectTimeout: ms,
    tlsOptions: ldaps ? tlsOptions(s) : undefined,
  });
}

function tlsOptions(s: LdapSettings) {
  // Without a CA file Node's default CAs apply; certificates are always verified.
  return s.AC_LDAP_CA_FILE ? { ca: [fs.readFileSync(s.AC_LDAP_CA_FILE)], minVersion: "TLSv1.2" as const } : undefined;
}

async function connect(s: LdapSettings, client: Client): Promise<void> {
  // `host`: the name the certificate must match (Node checks "localhost" on an upgraded socket otherwise).
  if (s.AC_LDAP_STARTTLS) await client.startTLS({ ...tlsOptions(s), host: new URL(s.AC_LDAP_URL!).hostname });
}

async function withServiceClient<T>(s: LdapSettings, work: (client: Client) => Promise<T>): Promise<T> {
  const client = newClient(s);
  try {
    await connect(s, client);
    await client.bind(s.AC_LDAP_BIND_DN!, s.AC_LDAP_BIND_PASSWORD!);
    return await work(client);
  } catch (error) {
    throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(error);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function findUser(client: Client, s: LdapSettings, login: string): Promise<Entry | null> {
  const filter = s.AC_LDAP_USER_FILTER.replaceAll("{login}", Filter.escape(login));
  try {
    const { searchEntries } = await client.search(s.AC_LDAP_USER_BASE!, {
      scope: "sub",
      filter,
      // The id attribute is operational in OpenLDAP: it is only returned when asked for by name.
      attributes: [s.AC_LDAP_NAME_ATTRIBUTE, s.AC_LDAP_ID_ATTRIBUTE],
      explicitBufferAttributes: [s.AC_LDAP_ID_ATTRIBUTE],
      sizeLimit: 2,
    });
    // Two entries for one login: the filter is ambiguous, and neither may log in.
    return searchEntries.length === 1 ? searchEntries[0]! : null;
  } catch (error) {
    if (error instanceof SizeLimitExceededError) return null;
    throw error;
  }
}

/** Binds as the user on a connection of its own, so the service connection keeps its identity. */
async function passwordAccepted(s: LdapSettings, dn: string, password: string): Promise<boolean> {
  const client = newClient(s);
  try {
    await connect(s, client);
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false; // wrong password, locked or expired
    throw new DirectoryUnavailableError(error);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Names of the groups `dn` belongs to, directly and through groups-in-groups up to the configured depth. */
async function groupsOf(client: Client, s: LdapSettings, dn: string): Promise<string[]> {
  const names = new Set<string>();
  const seen = new Set<string>([dn.toLowerCase()]);
  let members = [dn];
  for (let level = 0; level <= s.AC_LDAP_NESTED_DEPTH && members.length > 0 && names.size < MAX_GROUPS; level++) {
    const found: string[] = [];
    for (let i = 0; i < members.length; i += MAX_MEMBERS_PER_SEARCH) {
      const chunk = members.slice(i, i + MAX_MEMBERS_PER_SEARCH);
      const filters = chunk.map((member) => s.AC_LDAP_GROUP_FILTER.replaceAll("{dn}", Filter.escape(member)));
      const { searchEntries } = await client.search(s.AC_LDAP_GROUP_BASE!, {
        scope: "sub",
        filter: filters.length === 1 ? filters[0] : `(|${filters.join("")})`,
        attributes: [s.AC_LDAP_GROUP_NAME_ATTRIBUTE],
        sizeLimit: MAX_GROUPS,
      });
      for (const group of searchEntries) {
        if (seen.has(group.dn.toLowerCase())) continue; // a cycle or a group reached twice
        seen.add(group.dn.toLowerCase());
        found.push(group.dn);
        const name = firstValue(group, s.AC_LDAP_GROUP_NAME_ATTRIBUTE);
        if (name) names.add(name);
      }
    }
    members = found;
  }
  return [...names].slice(0, MAX_GROUPS);
}

function firstValue(entry: Entry, attribute: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : String(first).slice(0, 256);
}
