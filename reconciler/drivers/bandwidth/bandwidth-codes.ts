/** Diagnostic codes of the bandwidth (tc) driver. Permanent: never renamed, never reused for
 * another meaning (see inventory/core/diagnostic-codes.ts for the rule). Apply failures are not
 * Diagnostics (ApplyOutcome carries a string); their text starts with an APPLY_TC_* code so the
 * store and the operator can grep for it. */
export const BANDWIDTH_CODES = {
  PLAN_TC_PEAK_NOT_HONOURED: 'a peak rate (inboundPeak/outboundPeak) cannot be honoured by per-IP HTB classes: only the average rate is applied',
  PLAN_TC_NO_AVERAGE_RATE: 'a limit has neither inbound nor outbound: tc shapes nothing for that address',
  PLAN_TC_RATE_ROUNDED: 'a rate is applied at the precision tc keeps and prints (whole bytes/s, three significant digits above 1000 units)',
  PLAN_TC_INVALID_LIMIT: "a limit's address, rate or burst cannot be read; that address is left out of the tc tree",
  PLAN_TC_DUPLICATE_ADDRESS: 'the same address has two limits on one host; the second one is left out',
  PLAN_TC_TOO_MANY_ADDRESSES: "more addresses than pytin's class range on one host holds; the rest are left out",
  PLAN_TC_FOREIGN_ROOT_QDISC: 'a shaped interface has a root qdisc pytin did not create; pytin will not replace it (nothing is planned for that host)',
  PLAN_TC_DEVICE_NOT_OBSERVED:
    'a device pytin shapes on (an interface or its ifb) is not in the observed tc facts: it is planned as empty, and apply reads it itself',
  PLAN_TC_NOT_OBSERVED: 'tc on the host could not be observed; nothing is planned for its limits',
  APPLY_TC_CHANGE_INVALID: 'the change to apply is not a tc shaping state pytin wrote',
  APPLY_TC_DEVICE_MISSING: 'a shaped interface does not exist on the host; nothing was changed',
  APPLY_TC_IFB_UNAVAILABLE: "the host's kernel cannot create an ifb device: upload shaping is impossible there; nothing was changed",
  APPLY_TC_FOREIGN_ROOT_QDISC: 'a shaped interface has a root qdisc pytin did not create; nothing was changed',
  APPLY_TC_READ_FAILED: "tc's tree could not be read on the host",
  APPLY_TC_BATCH_FAILED: 'the tc batch failed; the previous tree was restored',
  APPLY_TC_ROLLBACK_FAILED: 'the tc batch failed and restoring the previous tree failed too; the tree is as the state says',
  APPLY_TC_IFB_NOT_DELETED: 'the tree converged, but an ifb device pytin made that nothing uses any more could not be deleted (warning)',
  APPLY_TC_OUTCOME_UNKNOWN:
    'the connection failed while the batch ran: the host finishes it on its own and runs the restore staged beside it if it fails; observe again to see which',
  APPLY_TC_NOT_CONVERGED: 'the batch ran but the tree read back differs from the desired one',
} as const satisfies Record<string, string>;

export type BandwidthCode = keyof typeof BANDWIDTH_CODES;
