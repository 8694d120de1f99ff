import type { PlanningDriver } from './planning-driver.js';

/** Every driver, in one place. */
export const DRIVERS: readonly PlanningDriver[] = [];

export function driverNamed(name: string): PlanningDriver | undefined {
  return DRIVERS.find((d) => d.name === name);
}
