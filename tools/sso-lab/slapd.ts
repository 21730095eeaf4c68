// A throwaway OpenLDAP directory for tests: Debian's slapd with a generated slapd.conf (mdb in a
// temp folder, the ppolicy overlay for account lockout), seeded with slapadd before it starts,
// listening on a free 127.0.0.1 port. `stop()` kills it and deletes the folder.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "ldapts";
import { freePort } from "../db/embedded";

export const LAB_SUFFIX = "dc=ac,dc=test";
export const LAB_ROOT_DN = `cn=admin,${LAB_SUFFIX}`;
export const LAB_SERVICE_DN = `cn=ac-service,ou=services,${LAB_SUFFIX}`;
export const LAB_SERVICE_PASSWORD = "service-secret-1";
export const LAB_USER_BASE = `ou=people,${LAB_SUFFIX}`;
export const LAB_GROUP_BASE = `ou=groups,${LAB_SUFFIX}`;

export type LabUser = { uid: string; password: string; name?: string; locked?: boolean };
export type LabGroup = { cn: string; members: { users?: string[]; groups?: string[] } };
export type LabDirectory = { users: LabUser[]; groups: LabGroup[] };

export type Slapd = {
  url: string;
  /** With `tls`: the ldaps:// URL and the PEM of the CA that signed the server's certificate. */
  ldapsUrl?: string;
  caFile?: string;
  port: number;
  rootPassword: string;
  /** Runs `work` with a client bound as the directory's root (to change membership in a test). */
  asRoot<T>(work: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
};

const run = promisify(execFile);
export const userDn = (uid: string) => `uid=${uid},${LAB_USER_BASE}`;
export const groupDn = (cn: string) => `cn=${cn},${LAB_GROUP_BASE}`;

/** `tls`: a certificate for 127.0.0.1 from a throwaway CA, StartTLS on ldap:// and a second, ldaps:// port. */
export async function startSlapd(directory: LabDirectory, options: { tls?: boolean } = {}): Promise<Slapd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ac-slapd-"));
  const rootPassword = "root-secret-1";
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = options.tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
  fs.mkdirSync(path.join(dir, "data"));
  if (options.tls) await makeCertificates(dir);
  const conf = path.join(dir, "slapd.conf");
  fs.writeFileSync(conf, slapdConf(dir, rootPassword, Boolean(options.tls)));
  fs.writeFileSync(path.join(dir, "seed.ldif"), seedLdif(directory));
  let child: ChildProcess | undefined;
  try {
    await run("/usr/sbin/slapadd", ["-f", conf, "-l", path.join(dir, "seed.ldif")]);
    // -d 0: stay in the foreground (no fork), so the child is slapd itself and stop() ends it.
    const urls = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(" ");
    child = spawn("/usr/sbin/slapd", ["-f", conf, "-h", urls, "-d", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    await waitUntilReady(url, child, () => stderr);
  } catch (error) {
    child?.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const slapd = child;
  return {
    url,
    ldapsUrl,
    caFile: options.tls ? path.join(dir, "ca.pem") : undefined,
    port,
    rootPassword,
    async asRoot(work) {
      const client = new Client({ url, timeout: 10_000, connectTimeout: 10_000 });
      try {
        await client.bind(LAB_ROOT_DN, rootPassword);
        return await work(client);
      } finally {
        await client.unbind().catch(() => undefined);
      }
    },
    async stop() {
      if (slapd.exitCode === null) {
        const exited = new Promise((resolve) => slapd.once("exit", resolve));
        slapd.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}: ${stderr()}`);
    const client = new Client({ url, timeout: 2000, connectTimeout: 2000 });
    try {
      await client.bind(LAB_SERVICE_DN, LAB_SERVICE_PASSWORD);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`slapd did not answer on ${url}: ${String(error)} ${stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

async function makeCertificates(dir: string): Promise<void> {
  const at = (name: string) => path.join(dir, name);
  fs.writeFileSync(at("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=AC test CA",
  ]);
  await run("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    at("server.key"),
    "-out",
    at("server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    at("server.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-out",
    at("server.pem"),
    "-days",
    "2",
    "-extfile",
    at("san.cnf"),
  ]);
}

function slapdConf(dir: string, rootPassword: string, tls: boolean): string {
  return [
    ...(tls
      ? [
          `TLSCACertificateFile ${dir}/ca.pem`,
          `TLSCertificateFile ${dir}/server.pem`,
          `TLSCertificateKeyFile ${dir}/server.key`,
        ]
      : []),
    "include /etc/ldap/schema/core.schema",
    "include /etc/ldap/schema/cosine.schema",
    "include /etc/ldap/schema/inetorgperson.schema",
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    "moduleload ppolicy",
    `pidfile ${dir}/slapd.pid`,
    "database mdb",
    `suffix "${LAB_SUFFIX}"`,
    `rootdn "${LAB_ROOT_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${dir}/data`,
    "maxsize 104857600",
    // As a company directory would: nobody anonymous reads entries; the service account reads, users bind.
    "access to attrs=userPassword by self write by anonymous auth by * none",
    "access to * by users read by * none",
    "overlay ppolicy",
    `ppolicy_default "cn=default,ou=policies,${LAB_SUFFIX}"`,
    "",
  ].join("\n");
}

function seedLdif(directory: LabDirectory): string {
  const entries: string[][] = [
    [
      "dn: " + LAB_SUFFIX,
      "objectClass: top",
      "objectClass: dcObject",
      "objectClass: organization",
      "o: AC test",
      "dc: ac",
    ],
    ...["people", "groups", "services", "policies"].map((ou) => [
      `dn: ou=${ou},${LAB_SUFFIX}`,
      "objectClass: organizationalUnit",
      `ou: ${ou}`,
    ]),
    [
      `dn: cn=default,ou=policies,${LAB_SUFFIX}`,
      "objectClass: top",
      "objectClass: device",
      "objectClass: pwdPolicy",
      "cn: default",
      "pwdAttribute: userPassword",
      "pwdLockout: TRUE",
      "pwdMaxFailure: 0",
    ],
    [
      `dn: ${LAB_SERVICE_DN}`,
      "objectClass: organizationalRole",
      "objectClass: simpleSecurityObject",
      "cn: ac-service",
      `userPassword: ${LAB_SERVICE_PASSWORD}`,
    ],
  ];
  for (const user of directory.users) {
    entries.push([
      `dn: ${userDn(user.uid)}`,
      "objectClass: inetOrgPerson",
      `uid: ${user.uid}`,
      `cn: ${user.name ?? user.uid}`,
      `sn: ${user.uid}`,
      `userPassword: ${user.password}`,
      // ppolicy's permanent lock: binds are refused until an administrator removes it.
      ...(user.locked ? ["pwdAccountLockedTime: 000001010000Z"] : []),
    ]);
  }
  for (const group of directory.groups) {
    const members = [...(group.members.users ?? []).map(userDn), ...(group.members.groups ?? []).map(groupDn)];
    entries.push([
      `dn: ${groupDn(group.cn)}`,
      "objectClass: groupOfNames",
      `cn: ${group.cn}`,
      ...members.map((m) => `member: ${m}`),
    ]);
  }
  return entries.map((lines) => lines.join("\n")).join("\n\n") + "\n";
}
