// The job roles alone, with no imports: `baton --help` lists them without loading Drizzle.

/** The roles people hold in children's services, as the bulletin addresses them. */
export const JOB_ROLES = [
  'director',
  'assistant-director',
  'head-of-service',
  'principal-social-worker',
  'team-manager',
  'regional-team',
  'partner',
  'other',
] as const;
