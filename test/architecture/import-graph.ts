import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One import of a source file: the file it names (resolved, relative to the project root, as
 * a .ts path) or the bare module it names (`node:fs`, `yaml`). */
export interface ImportEdge {
  from: string;
  /** A project file (`reconciler/plan/plan.ts`) or a package (`node:crypto`, `ssh2`). */
  to: string;
  local: boolean;
  /** `import type` (erased at run time), kept apart for the report. */
  typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function sourceFiles(root: string, folder: string, out: string[]): void {
  const dir = join(root, folder);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(root, join(folder, name), out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(join(folder, name).split(sep).join('/'));
  }
}

/** Every import of every .ts file under `folders`, read from the sources (not the build). */
export function importGraph(root: string, folders: readonly string[]): { files: string[]; edges: ImportEdge[] } {
  const files: string[] = [];
  for (const folder of folders) sourceFiles(root, folder, files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[3]!;
      const typeOnly = match[2] !== undefined;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(root, dirname(file), spec))
          .split(sep)
          .join('/')
          .replace(/\.js$/, '.ts');
        edges.push({ from: file, to: target, local: true, typeOnly });
      } else edges.push({ from: file, to: spec, local: false, typeOnly });
    }
  }
  return { files, edges };
}

/** The cycles of a directed graph (each as a path that returns to its start), found by DFS. */
export function findCycles(nodes: Iterable<string>, next: (node: string) => Iterable<string>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const to of next(node)) {
      if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of nodes) if (!state.has(node)) visit(node);
  return cycles;
}
