// CSV of the audit rows matching the Audit page's filters (docs/audit.md, "Export"): the caller's
// session or API token, role operator (own rows) or admin (all), at most AUDIT_EXPORT_MAX_ROWS
// rows, streamed a batch at a time so a large export never sits in memory. Each export is audited.
import { AUDIT_EXPORT_MAX_ROWS, auditCsvLine, csvLine, CSV_COLUMNS } from "@/server/audit/csv";
import { auditExport, auditExportRefused } from "@/server/audit/export-audit";
import { auditFilterInput, auditRowsForExport, auditScope } from "@/server/audit/queries";
import { requestActor } from "@/server/auth/session";
import { can } from "@/server/auth/roles";
import { AppError } from "@/server/errors";

const refuse = (status: number, message: string) => Response.json({ error: message }, { status });

export async function GET(req: Request) {
  const actor = await requestActor(req.headers);
  if (!actor) return refuse(401, "Log in or send an API token");
  const refused = async (message: string) => (
    await auditExportRefused(actor, message, req.headers),
    refuse(403, message)
  );
  if (!can(actor.role, "audit.read")) return refused(`This needs the operator role; you are ${actor.role}`);
  try {
    auditScope(actor);
  } catch (error) {
    if (error instanceof AppError) return refused(error.message);
    throw error;
  }
  const params = Object.fromEntries(
    [...new URL(req.url).searchParams].filter(([key, value]) => key in auditFilterInput.shape && value !== ""),
  );
  const filter = auditFilterInput.safeParse(params);
  if (!filter.success)
    return refuse(400, `Bad filter: ${filter.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);

  // Who took a copy of the log, with which filter, is itself a row (docs/audit.md, "Export").
  await auditExport(actor, filter.data, req.headers);
  const rows = auditRowsForExport(filter.data, actor, AUDIT_EXPORT_MAX_ROWS);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine([...CSV_COLUMNS])));
    },
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map(auditCsvLine).join("")));
      } catch (error) {
        // The header is sent: the download ends short, and the reason goes to the server log.
        console.error(`[ac] audit export failed: ${error instanceof Error ? error.message : String(error)}`);
        controller.error(new Error("the export failed"));
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="ac-audit-${stamp}.csv"`,
      "cache-control": "no-store",
      "x-export-row-limit": String(AUDIT_EXPORT_MAX_ROWS),
    },
  });
}
