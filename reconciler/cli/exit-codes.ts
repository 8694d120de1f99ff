/** The exit-code contract of every pytin command. */
export const EXIT_OK = 0;
/** Errors: invalid inventory, a failed change, a usage error, broken infrastructure. */
export const EXIT_ERROR = 1;
/** Only with `--detailed-exitcode`: the plan has changes. */
export const EXIT_CHANGES = 2;

/** Only with `--detailed-exitcode`: nothing to change was found, but part of the inventory could not
 * be compared (hosts never observed, no ssh/snmp, ...): the plan cannot say "in sync", and CI must
 * not read it as "nothing to apply". 0 always means "compared and in sync". */
export const EXIT_INCOMPLETE = 3;

export type ExitCode = typeof EXIT_OK | typeof EXIT_ERROR | typeof EXIT_CHANGES | typeof EXIT_INCOMPLETE;
