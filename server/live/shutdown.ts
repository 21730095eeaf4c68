// How the web server ends the live streams on shutdown without importing the hub: the hub pulls in
// pg and the database, and the release bundles the web server on its own (tools/release/tarball.ts).
// The hub registers its ending here when it is made; a process that never streamed has none.
const holder = globalThis as { acEndLiveStreams?: () => void };

export const registerLiveShutdown = (end: () => void): void => {
  holder.acEndLiveStreams = end;
};

/** Ends every open live stream of this process, if there is any. */
export const endLiveStreamsOnShutdown = (): void => holder.acEndLiveStreams?.();
