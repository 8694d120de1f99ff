/** Diagnostic codes of the Zabbix publishing driver. Permanent: never renamed, never reused. */
export const ZABBIX_CODES = {
  // Planning
  PLAN_ZABBIX_NOT_OBSERVED: 'Zabbix has not been read yet (plan --refresh or pytin publish zabbix); nothing is planned for it',
  PLAN_ZABBIX_NAME_COLLISION: 'two inventory resources would be the same Zabbix host (host names are unique across kinds in Zabbix)',
  PLAN_ZABBIX_TEMPLATE_MISSING: 'a template the Zabbix settings link to a role does not exist in Zabbix',
  PLAN_ZABBIX_GROUP_NOT_OWNED: 'a host group of the name pytin wants exists but pytin did not create it; it is used, never changed',
  PLAN_ZABBIX_GROUP_IN_USE: 'a host group pytin created is no longer wanted but still holds hosts pytin does not remove; it is kept',
  PLAN_ZABBIX_DASHBOARD_NOT_OWNED: 'a Zabbix dashboard of the name pytin wants exists but pytin did not create it; it is left untouched',
  PLAN_ZABBIX_INTERFACE_IN_USE: 'an interface the inventory no longer has is used by items in Zabbix; it is kept (Zabbix would refuse the update)',
  PLAN_ZABBIX_HOST_NOT_OWNED: 'a Zabbix host of the name pytin wants exists without the managed-by: pytin tag; it is left untouched',
  // Observing and applying
  OBS_ZABBIX_FAILED: 'the Zabbix API could not be read; the last facts read are kept',
  APPLY_ZABBIX_UNREACHABLE: 'the Zabbix API could not be reached (or logged in to) while publishing',
  APPLY_ZABBIX_REFUSED: 'Zabbix refused a write; its own message and data say why',
  APPLY_ZABBIX_NOT_ATTEMPTED: 'a Zabbix write was not attempted because an earlier one of the same publish failed',
  APPLY_ZABBIX_MAINTENANCE_FAILED: 'a Zabbix maintenance window over a host being replaced or restarted could not be opened or closed; the apply went on',
  APPLY_ZABBIX_SETUP: 'the Zabbix connection settings cannot be used (a credential that cannot be resolved)',
} as const satisfies Record<string, string>;
