// Input schemas shared by many procedures, so the same input is refused with the same message everywhere.
import { z } from "zod";

/** A database id: a whole number above zero. */
export const positiveId = z.number({ error: "must be a number" }).int().positive("must be a positive id");
