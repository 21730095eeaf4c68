// E-mail over SMTP with nodemailer: TLS from the start (security "tls"), STARTTLS required
// ("starttls") or plain ("none", for a relay on localhost). Certificates are verified; a private
// CA can be given as caPem.
import nodemailer from "nodemailer";
import { messageText, messageTitle, type MessagePayload } from "../message";
import type { EmailSettings } from "../channel-config";
import { SendError } from "./http-post";

export async function sendEmail(
  settings: EmailSettings,
  password: string | undefined,
  payload: MessagePayload,
  timeoutMs: number,
  panelUrl?: string,
): Promise<{ code: number | null }> {
  const transport = nodemailer.createTransport({
    host: settings.host.replace(/^\[|\]$/g, ""),
    port: settings.port,
    secure: settings.security === "tls",
    requireTLS: settings.security === "starttls",
    ignoreTLS: settings.security === "none",
    auth: settings.username ? { user: settings.username, pass: password ?? "" } : undefined,
    tls: settings.caPem ? { ca: [settings.caPem] } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: messageTitle(payload),
      text: messageText(payload, panelUrl),
    });
    return { code: Number(/^(\d{3})/.exec(info.response ?? "")?.[1] ?? 250) };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode ?? null;
    throw new SendError(`SMTP: ${(error as Error).message}`, code);
  } finally {
    transport.close();
  }
}
