import { z } from "zod";
import { auditListInput, listAudit, targetHistory } from "../audit/queries";
import { authorized, router } from "../trpc/init";
import { AUDIT_TARGET_TYPES } from "../../lib/audit-targets";

export const auditRouter = router({
  /** Keyset-paginated, newest first; operators get only their own rows. Pass nextCursor / prevCursor back. */
  list: authorized("audit.read")
    .input(auditListInput)
    .query(({ input, ctx }) => listAudit(input, ctx.actor)),
  /** The newest rows about one target, for its page. */
  forTarget: authorized("audit.read")
    .input(
      z.object({
        targetType: z.enum(AUDIT_TARGET_TYPES),
        targetId: z.string().regex(/^[0-9a-f-]{1,40}$/i, "not an id"),
        limit: z.number().int().min(1).max(50).default(10),
      }),
    )
    .query(({ input, ctx }) => targetHistory(input, ctx.actor)),
});
