/** Documented in the README; scripts and CI depend on them. */
export const ExitCode = {
  ok: 0,
  /** A stage failed, or `status --exit-code` found stale stages. */
  failed: 1,
  /** Invalid pipeline, config or command line. */
  usage: 2,
  interrupted: 130,
} as const;
