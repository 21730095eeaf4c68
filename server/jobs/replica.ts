// This process's name among the replicas on one database: shown with each job run on the
// dashboard and in the logs (docs/operations.md, "Replicas").
import os from "node:os";
import { config } from "../config";

export const replicaName = (): string => config().AC_REPLICA_NAME ?? `${os.hostname()}:${process.pid}`;
