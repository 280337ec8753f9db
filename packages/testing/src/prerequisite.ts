/**
 * For tests that need something the machine may lack (a cached kernel, root, a host binary).
 * At a developer's desk a missing prerequisite skips the test with a loud warning; under CI
 * (CI set, as CI services do, and not "false"/"0") it throws, because there setup must provide
 * it and a skip would turn a broken setup into a green run.
 * Returns whether the prerequisite is met: `(requirePrerequisite(what, ok) ? it : it.skip)(...)`.
 */
export function requirePrerequisite(what: string, ok: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (ok) return true;
  if (isCi(env)) throw new Error(`prerequisite missing under CI=${env['CI']}: ${what}`);
  process.stderr.write(`\n*** SKIPPING: prerequisite missing: ${what} (under CI=true this fails) ***\n\n`);
  return false;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
