// Input schemas shared by many procedures, so the same input is refused with the same message everywhere.
import { z } from "zod";

/** A database id: a whole number above zero. */
export const positiveId = z.number({ error: "must be a number" }).int().positive("must be a positive id");

/**
 * A date a filter compares stored times with: PostgreSQL refuses far-off years (22008, 22009), so
 * they are the caller's mistake (400) rather than a server error; nothing AC stores predates 1970.
 */
export const storedDate = z.coerce
  .date({ error: "must be a date" })
  .min(new Date("1970-01-01T00:00:00Z"), "must be a date from 1970 on")
  .max(new Date("9999-12-31T23:59:59.999Z"), "must be a date before the year 10000");
