// How an HAProxy server is named wherever a person reads it (pages, the action log, task logs):
// "lb1/web_backend/web1", its HAProxy instance, backend and server.
export const haproxyServerLabel = (instance: string, backend: string, server: string) =>
  `${instance}/${backend}/${server}`;
