import type { LabZabbix } from './zabbix.js';

/** A graph data set as the frontend's own data-set field takes it. */
export interface FrontendDataSet {
  hosts: string[];
  items: string[];
  color: string;
}

/** PHP run by the lab Zabbix's own php-cli: loads the frontend's data-set field class of that
 * generation (6.0 CWidgetFieldGraphDataSet, 7.0 the svggraph widget's CWidgetFieldDataSet) from its
 * installed sources and prints what its `toApi` writes for the data sets given as JSON in argv[1]:
 * the fields the frontend itself stores when a user saves such a graph. `$DB['TYPE']` is all that
 * 7.0's DB::getSchema reads (for a field's length); nothing connects to a database. */
const DATA_SET_FIELDS_PHP = String.raw`
require '/usr/share/zabbix/include/defines.inc.php';
$DB = ['TYPE' => ZBX_DB_POSTGRESQL];
$files = [
  'DB' => 'include/classes/db/DB.php',
  'Zabbix\Widgets\CWidgetField' => 'include/classes/widgets/CWidgetField.php',
  'Widgets\SvgGraph\Includes\CWidgetFieldDataSet' => 'widgets/svggraph/includes/CWidgetFieldDataSet.php',
  'CWidgetField' => 'include/classes/widgets/fields/CWidgetField.php',
  'CWidgetFieldGraphDataSet' => 'include/classes/widgets/fields/CWidgetFieldGraphDataSet.php',
];
spl_autoload_register(function (string $class) use ($files): void {
  if (isset($files[$class])) require '/usr/share/zabbix/'.$files[$class];
});
$class = file_exists('/usr/share/zabbix/'.$files['Widgets\SvgGraph\Includes\CWidgetFieldDataSet'])
  ? 'Widgets\SvgGraph\Includes\CWidgetFieldDataSet' : 'CWidgetFieldGraphDataSet';
$field = new $class('ds', 'Data set');
$field->setValue(json_decode($argv[1], true));
$fields = [];
$field->toApi($fields);
echo json_encode($fields);
`;

/** The widget fields the lab's frontend writes for `dataSets` (types as strings, the way
 * dashboard.get returns them). */
export async function frontendDataSetFields(
  zabbix: LabZabbix,
  dataSets: readonly FrontendDataSet[],
): Promise<Array<{ type: string; name: string; value: string }>> {
  const out = await zabbix.php(DATA_SET_FIELDS_PHP, [JSON.stringify(dataSets)]);
  return (JSON.parse(out) as Array<{ type: number; name: string; value: string }>).map((f) => ({ type: String(f.type), name: f.name, value: f.value }));
}
