import type { Kind } from '../../schemas/kinds.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { formatSourceRange, type SourceRange } from '../core/source-range.js';
import type { Desired } from '../model/desired-state.js';
import type { ResourceSpec } from '../model/specs.js';
import type { SourceIndex } from '../parse/source-index.js';
import type { LocateTarget, ValuePath } from '../parse/yaml-locate.js';

type SpecOf<K extends Kind> = Extract<ResourceSpec, { kind: K }>;
type SwitchPort = SpecOf<'Switch'>['ports'][number];

/** What every cross-object rule sees: the schema-valid resources, indexed, and a way to point at
 * any of their values. Rules only report; they never change the resources. */
export class RuleContext {
  // Indexes, so that no rule scans the resources (or a switch's ports) once per item it checks:
  // rules run on untrusted input, and a scan per item is quadratic in the inventory's size.
  private readonly byKindAndName = new Map<Kind, Map<string, Desired>>();
  private readonly byKind = new Map<Kind, Desired[]>();
  private readonly byAddress = new Map<string, Desired>();
  private readonly portsBySwitch = new Map<Desired, Map<string, SwitchPort>>();
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly resources: readonly Desired[],
    readonly declared: ReadonlyMap<Kind, ReadonlySet<string>>,
    readonly sources: SourceIndex,
  ) {
    for (const resource of resources) {
      const kind = resource.kind as Kind;
      let names = this.byKindAndName.get(kind);
      if (!names) this.byKindAndName.set(kind, (names = new Map()));
      // The first definition wins; later duplicates are reported by the unique-names rule.
      if (!names.has(resource.name)) names.set(resource.name, resource);
      if (!this.byAddress.has(resource.address)) this.byAddress.set(resource.address, resource);
      let ofKind = this.byKind.get(kind);
      if (!ofKind) this.byKind.set(kind, (ofKind = []));
      ofKind.push(resource);
    }
  }

  /** Every resource of a kind, in file order. */
  all<K extends Kind>(kind: K): Array<Desired<SpecOf<K>>> {
    return [...(this.byKind.get(kind) ?? [])] as Array<Desired<SpecOf<K>>>;
  }

  get<K extends Kind>(kind: K, name: string): Desired<SpecOf<K>> | undefined {
    return this.byKindAndName.get(kind)?.get(name) as Desired<SpecOf<K>> | undefined;
  }

  /** The first resource with that address (`kind/name`). */
  resourceAt(address: string): Desired | undefined {
    return this.byAddress.get(address);
  }

  /** A port of a switch by name (the first one of that name; a second is reported by the references
   * rule). The switch's ports are indexed on first use. */
  portOf(switchResource: Desired<SpecOf<'Switch'>>, portName: string): SwitchPort | undefined {
    let ports = this.portsBySwitch.get(switchResource);
    if (!ports) {
      ports = new Map();
      for (const port of switchResource.spec.ports) if (!ports.has(port.name)) ports.set(port.name, port);
      this.portsBySwitch.set(switchResource, ports);
    }
    return ports.get(portName);
  }

  /** True when a resource of that kind and name was written, even if it failed its schema. */
  isDeclared(kind: Kind, name: string): boolean {
    return this.declared.get(kind)?.has(name) === true;
  }

  at(resource: Desired, path: ValuePath, target: LocateTarget = 'value'): SourceRange {
    return this.sources.locate({ file: resource.origin.file, documentIndex: resource.origin.documentIndex, path }, target);
  }

  /** "file:line:col" of a value, for messages that name a second place. */
  where(resource: Desired, path: ValuePath): string {
    return formatSourceRange(this.at(resource, path));
  }

  error(code: string, summary: string, resource: Desired, path: ValuePath, detail?: string, target: LocateTarget = 'value'): void {
    this.diagnostics.push({
      severity: 'error',
      code,
      summary,
      address: resource.address,
      subject: this.at(resource, path, target),
      ...(detail ? { detail } : {}),
    });
  }

  warning(code: string, summary: string, resource: Desired, path: ValuePath, detail?: string): void {
    this.diagnostics.push({ severity: 'warning', code, summary, address: resource.address, subject: this.at(resource, path), ...(detail ? { detail } : {}) });
  }
}

export type Rule = (context: RuleContext) => void;
