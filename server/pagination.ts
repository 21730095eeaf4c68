// Offset pagination shared by list procedures of modest size (users, tokens, events ...).
// The applications list, which must stay fast at 100,000 rows, uses keyset cursors instead.
import { z } from "zod";

export const pageInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

export type PageInput = z.infer<typeof pageInput>;

export const pageArgs = ({ page, pageSize }: PageInput) => ({ skip: (page - 1) * pageSize, take: pageSize });

export const pageResult = <T>(items: T[], total: number, { page, pageSize }: PageInput) => ({
  items,
  total,
  page,
  pageSize,
  pageCount: Math.max(1, Math.ceil(total / pageSize)),
});
