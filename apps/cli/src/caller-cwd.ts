/**
 * The folder relative paths mean to the user. `npm run pfgm -- …` (and `npm run doctor`) run with the repository root
 * as cwd; npm keeps the caller's folder in INIT_CWD. Other launches (node apps/cli/bin/pfgm.mjs, tests) keep their cwd.
 */
export function callerCwd(env: NodeJS.ProcessEnv, cwd: string): string {
  const viaNpmScript = env.npm_lifecycle_event === 'pfgm' || env.npm_lifecycle_event === 'doctor';
  return viaNpmScript && env.INIT_CWD ? env.INIT_CWD : cwd;
}
