// Who is on the other end of a request. Any caller can send X-Forwarded-For, so AC believes it
// only as far as hops it trusts (AC_TRUSTED_PROXIES): the address is the TCP peer's, or, when
// that peer is a trusted proxy, the first untrusted hop of X-Forwarded-For read from the right.
// AC's web server (server/http/web-server.ts) works it out from the socket, which no layer inside
// Next.js can see, and hands it to the app in one header it always overwrites (docs/security.md).
import { BlockList, isIP } from "node:net";

/** The request header that carries the client address from AC's web server to the app. */
export const CLIENT_ADDRESS_HEADER = "x-ac-client-address";
/** Set on globalThis by AC's web server: only then is CLIENT_ADDRESS_HEADER its own and not a caller's. */
const SERVED_BY_AC = Symbol.for("ac.webServer");

/** Parses `10.0.0.1, 10.1.0.0/16, ::1`; throws a message naming a bad entry. */
export function parseTrustedProxies(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const [address = "", prefix, extra] = entry.split("/");
      const family = isIP(address);
      const max = family === 6 ? 128 : 32;
      const bits = prefix === undefined ? max : Number(prefix);
      if (
        !family ||
        extra !== undefined ||
        !Number.isInteger(bits) ||
        bits < 0 ||
        bits > max ||
        (prefix !== undefined && !/^\d+$/.test(prefix))
      ) {
        throw new Error(`"${entry}" is not an IP address or CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)`);
      }
      return `${address.toLowerCase()}/${bits}`;
    });
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
export const normalizeAddress = (address: string) => address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");

/** A test for "is this one of the trusted proxies"; entries as AC_TRUSTED_PROXIES takes them. */
export function trustedProxyMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of parseTrustedProxies(entries.join(","))) {
    const [address, bits] = entry.split("/");
    list.addSubnet(address!, Number(bits), isIP(address!) === 6 ? "ipv6" : "ipv4");
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
  };
}

/**
 * The client's address: the peer unless it is a trusted proxy; then X-Forwarded-For is walked from
 * the right (each proxy appends the address it saw) past trusted hops. A malformed entry stops the
 * walk at the last hop known to be real, so garbage never becomes the address.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trusted: (address: string) => boolean,
): string {
  let address = normalizeAddress(peer);
  if (!trusted(address) || !forwardedFor) return address;
  const hops = forwardedFor.split(",").map(normalizeAddress);
  while (trusted(address) && hops.length > 0) {
    const next = hops.pop()!;
    if (!isIP(next)) break;
    address = next;
  }
  return address;
}

/** Called once by AC's web server before it serves requests. */
export function markServedByAcWebServer() {
  (globalThis as Record<symbol, unknown>)[SERVED_BY_AC] = true;
}

/**
 * The client address of a request the app is handling (headers as next-auth or Next pass them).
 * Without AC's web server (`next dev`, a bare `next start`) the header could be the caller's, so
 * every request counts as one address, "unknown": stricter, never spoofable.
 */
export function requestClientAddress(headers: Headers | Record<string, unknown> | undefined): string {
  if ((globalThis as Record<symbol, unknown>)[SERVED_BY_AC] !== true) return "unknown";
  const value = headers instanceof Headers ? headers.get(CLIENT_ADDRESS_HEADER) : headers?.[CLIENT_ADDRESS_HEADER];
  return typeof value === "string" && isIP(value) ? value : "unknown";
}
