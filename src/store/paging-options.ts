/** Paging settings (config: the head window a queue keeps in RAM). */
export interface PagingOptions {
  /** Full entries a queue keeps in RAM before paging the rest (messages). */
  headMessages: number;
  /** ... and body bytes. */
  headBytes: number;
}

/** Default head window: 4096 messages or 8 MiB of bodies, whichever is reached first. */
export const DEFAULT_PAGING: PagingOptions = { headMessages: 4096, headBytes: 8 * 1024 * 1024 };
