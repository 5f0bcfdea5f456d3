/** Coordinator defaults, in a module light enough for the CLI's usage text. */
export const DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  offlineAfterSeconds: 30,
  heartbeatIntervalSeconds: 10,
  maxUploadMb: 1024,
  maxPendingJobs: 10_000,
  maxOutputMb: 16,
  maxArtifactsTotalMb: 20 * 1024,
  minFreeMb: 1024,
  keepUploadsDays: 7,
  sessionIdleMinutes: 30,
  sessionMaxHours: 12,
  auditRetentionDays: 365,
  maxConnectionsPerAddress: 512,
  maxUnauthenticatedPerAddress: 64,
} as const;
