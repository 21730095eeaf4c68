// Password hashing with bcrypt (bcryptjs: pure JS, no native build on offline machines).
import bcrypt from "bcryptjs";
import { randomBytes } from "node:crypto";

const COST = 12;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

// A hash to compare against when the user does not exist, so both paths take as long.
const dummyHash = bcrypt.hashSync("not-a-real-password", COST);
export const burnPasswordCheck = (password: string) => bcrypt.compare(password, dummyHash);

/** A random password for the first admin, readable when printed once to the console. */
export const randomPassword = () => randomBytes(15).toString("base64url");
