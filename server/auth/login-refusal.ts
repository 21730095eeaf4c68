// A login refused for a reason the user can act on (lib/login-messages.ts). The message is the
// code: next-auth passes an authorize error's message, and the login form turns it into text.
import type { LoginRefusal } from "../../lib/login-messages";
import { AppError } from "../errors";

export class LoginRefusedError extends AppError {
  constructor(readonly refusal: LoginRefusal) {
    super("FORBIDDEN", refusal);
  }
}
