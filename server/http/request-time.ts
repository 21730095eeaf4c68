// When the server began rendering this request: one value for the whole render (React's
// per-request cache), so every part of a page measures "3 min ago" from the same moment.
import { cache } from "react";

export const requestTime = cache(() => Date.now());
