/** Diagnostic codes of host observation (SSH to hypervisors and backup nodes). Permanent:
 * never renamed, never reused. */
export const HOST_OBSERVATION_CODES = {
  OBS_HOST_UNREACHABLE: 'the host did not answer on its SSH port (refused, unreachable, timed out or dropped)',
  OBS_HOST_AUTH_FAILED: "the host refused pytin's SSH key",
  OBS_HOST_KEY_UNKNOWN: "the host's SSH key is not pinned yet; check it and run with --trust-new-hosts",
  OBS_HOST_KEY_CHANGED: "the host's SSH key differs from the pinned one; pytin will not connect",
  OBS_HOST_KEY_REVOKED: 'the host presented a key marked @revoked in known_hosts',
  OBS_HOST_PRIVATE_KEY_UNREADABLE: "pytin's private key file for the host could not be read",
  OBS_HOST_COMMAND_MISSING: 'a command pytin needs for a fact (virsh, tc, ...) is not installed on the host',
  OBS_HOST_COMMAND_FAILED: 'a command on the host exited with an error; the fact was not observed',
  OBS_HOST_COMMAND_TIMEOUT: 'a command on the host did not finish in time; the fact was not observed',
  OBS_HOST_OUTPUT_UNPARSABLE: "a command's output could not be understood; the fact was not observed",
  OBS_HOST_TC_DEVICE_MISSING: 'an interface configured for traffic control does not exist on the host',
  OBS_HOST_DOMAIN_VANISHED: 'a domain was listed but gone before its definition could be read',
} as const satisfies Record<string, string>;

export type HostObservationCode = keyof typeof HOST_OBSERVATION_CODES;
