import type { ApplyContext, ApplyOutcome } from '../../reconciler/drivers/driver.js';
import type { CommandRunner } from '../../reconciler/transports/command-runner.js';

/** The context apply hands a driver for a change on the host `runner` reaches. */
export function hostContext(runner: CommandRunner, commit: string | null = null): ApplyContext {
  return { target: { kind: 'host', name: runner.host }, transport: { kind: 'host', runner }, commit };
}

/** The outcome's first error as `CODE: summary`, or undefined when it has none. */
export function errorOf(outcome: ApplyOutcome): string | undefined {
  const error = outcome.diagnostics.find((d) => d.severity === 'error');
  return error ? `${error.code}: ${error.summary}` : undefined;
}
