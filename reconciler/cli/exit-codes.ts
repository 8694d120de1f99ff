/** The exit-code contract of every pytin command. */
export const EXIT_OK = 0;
/** Errors: invalid inventory, a failed change, a usage error, broken infrastructure. */
export const EXIT_ERROR = 1;
/** Only with `--detailed-exitcode`: the plan has changes. */
export const EXIT_CHANGES = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_ERROR | typeof EXIT_CHANGES;
