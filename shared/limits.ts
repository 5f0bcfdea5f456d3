/** Every bound the API keeps, in one place: ids, names, uploads, pages, lists. */
export const LIMITS = {
  idLength: 128,
  hostnameLength: 255,
  shortText: 255,
  /** A run's name, as people type it ("Lab 3 - sorting"). */
  runNameLength: 120,
  commandLength: 64 * 1024,
  errorMessageLength: 4096,
  fileUrlLength: 2048,
  maxTimeoutSeconds: 7 * 24 * 3600,
  maxAttempts: 10,
  maxWaitSeconds: 30,
  maxPageSize: 500,
  /** Jobs in one page of the list (the API's default and the dashboard's page). */
  jobsPageSize: 50,
  /** Log chunks in one page of GET /api/jobs/log: the default and the most a client may ask for. */
  logPageChunks: 500,
  maxLogPageChunks: 5000,
  /** A log page stops after the chunk that takes it past this many bytes of text. */
  logPageBytes: 1024 * 1024,
  /** Zips in one map run. */
  maxRunZips: 500,
  /** Jobs one run may create (a broadcast to every worker). */
  maxRunJobs: 10_000,
  tagLength: 64,
  maxTags: 32,
  maxArtifactPatterns: 20,
  artifactPatternLength: 200,
  /** Files one job's artifacts may hold. */
  maxArtifactFiles: 10_000,
} as const;
