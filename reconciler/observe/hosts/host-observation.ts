import type { Diagnostic } from '../../../inventory/core/diagnostic.js';

/** What every host shows, whatever runs on it (read by observe-basics.ts). */
export interface HostBasics {
  hostname: string;
  kernel: string;
  uptimeSeconds: number;
}

/** One observation of one host over SSH: its basics, and the facts each driver's probe read, by
 * the driver's facts key. A probe's facts are null when they could not be observed; the
 * diagnostics say why. Never partial within one probe: its facts are all or nothing. */
export interface HostObservation {
  /** The host's name in the inventory. */
  host: string;
  /** When the observation finished (ms since the epoch). */
  observedAt: number;
  basics: HostBasics | null;
  /** Facts by probe key. Each value is the probe's own type (the driver owns it), stored as JSON. */
  facts: ReadonlyMap<string, unknown>;
  diagnostics: Diagnostic[];
  /** What the probes saw, in a few words each, for people. */
  summaries: string[];
}
