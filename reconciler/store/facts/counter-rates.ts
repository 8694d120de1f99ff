/** Rates from two consecutive interface counter samples. Pure; no I/O.
 *
 * Invariants: a rate is only reported when the two samples can be trusted to be from the same
 * counter run. An agent restart (sysUpTime going back, other than its own 2^32 wrap) resets every
 * counter, so the difference means nothing. A 32-bit counter that went back wrapped once (more
 * wraps cannot be told apart, so a result above the interface speed is refused). A 64-bit
 * counter never wraps in practice (2^64 octets is decades at 100 Gbit/s): going back means a
 * reset, not a wrap. */
export interface CounterSample {
  /** Wall-clock milliseconds when the sample was taken. */
  at: number;
  /** SNMP sysUpTime, hundredths of a second. */
  sysUpTime: number;
  counterBits: 32 | 64;
  inOctets: bigint | null;
  outOctets: bigint | null;
}

export type DirectionRate =
  | { status: 'ok'; octets: bigint; bitsPerSecond: number; wrapped: boolean }
  | { status: 'missing' }
  | { status: 'counter-reset' }
  | { status: 'over-speed'; bitsPerSecond: number };

export type RateResult =
  | { status: 'ok'; seconds: number; in: DirectionRate; out: DirectionRate }
  | { status: 'agent-restarted' }
  | { status: 'bad-interval' }
  | { status: 'counter-width-changed' };

const TWO_32 = 2n ** 32n;
const TIMETICKS_MODULUS = 2 ** 32;
/** How far (hundredths of a second) the agent's clock may disagree with ours when we decide
 * whether sysUpTime wrapped or the agent restarted. */
const UPTIME_TOLERANCE_CS = 30 * 100;

/** Whether the agent ran without a restart between the samples: its clock (sysUpTime, which
 * itself wraps at 2^32) must have advanced about as much as ours. A restart followed by a long
 * uptime still shows as an advance shorter than the wall-clock interval. */
function agentKeptRunning(previous: CounterSample, next: CounterSample): boolean {
  const elapsedCs = ((next.at - previous.at) / 1000) * 100;
  const tolerance = Math.max(UPTIME_TOLERANCE_CS, elapsedCs * 0.01);
  let advance = next.sysUpTime - previous.sysUpTime;
  if (advance < 0) {
    const crossed = previous.sysUpTime + elapsedCs >= TIMETICKS_MODULUS - tolerance;
    if (!crossed) return false;
    advance += TIMETICKS_MODULUS;
  }
  return advance >= elapsedCs - tolerance;
}

function direction(previous: bigint | null, next: bigint | null, counterBits: 32 | 64, seconds: number, speedBitsPerSecond: number | null): DirectionRate {
  if (previous === null || next === null) return { status: 'missing' };
  let octets = next - previous;
  let wrapped = false;
  if (octets < 0n) {
    if (counterBits === 64) return { status: 'counter-reset' };
    octets += TWO_32;
    wrapped = true;
  }
  const bitsPerSecond = (Number(octets) * 8) / seconds;
  // A little slack: counters and clocks are read at slightly different moments.
  if (speedBitsPerSecond !== null && speedBitsPerSecond > 0 && bitsPerSecond > speedBitsPerSecond * 1.1) {
    return { status: 'over-speed', bitsPerSecond };
  }
  return { status: 'ok', octets, bitsPerSecond, wrapped };
}

export function counterRate(previous: CounterSample, next: CounterSample, speedBitsPerSecond: number | null = null): RateResult {
  if (previous.counterBits !== next.counterBits) return { status: 'counter-width-changed' };
  const seconds = (next.at - previous.at) / 1000;
  if (!(seconds > 0)) return { status: 'bad-interval' };
  if (!agentKeptRunning(previous, next)) return { status: 'agent-restarted' };
  return {
    status: 'ok',
    seconds,
    in: direction(previous.inOctets, next.inOctets, next.counterBits, seconds, speedBitsPerSecond),
    out: direction(previous.outOctets, next.outOctets, next.counterBits, seconds, speedBitsPerSecond),
  };
}
