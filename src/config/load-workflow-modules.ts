import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkflowSource } from '../engine';
import { WorkflowEntrypoint, workflowOptionsOf } from '../engine/definition/workflow-entrypoint';

const LOADABLE = new Set(['.js', '.cjs', '.mjs']);

/** One module of WORKFLOWS_PATH and the workflows it exports (the start-up block names the file). */
export interface WorkflowModule {
  file: string;
  workflows: WorkflowSource[];
}

/** Where loading says what it skipped (the server's log). */
export type LoadWarning = (message: string) => void;

/**
 * Loads WORKFLOWS_PATH: every compiled module in the listed files and folders (folders are read
 * recursively). Each export that is a workflow definition (`{ name, run }`) or a `@Workflow` class
 * is registered. A module that fails to load, or exports something that looks like a workflow but
 * is not a valid one, stops start-up with its path. A module that exports no workflow (a helper
 * beside them), a folder without modules, or paths that give no workflow at all are warned of.
 */
export async function loadWorkflowModules(paths: string[], warn: LoadWarning = () => {}): Promise<WorkflowSource[]> {
  return (await loadWorkflowFiles(paths, warn)).flatMap((module) => module.workflows);
}

/** As loadWorkflowModules, module by module. */
export async function loadWorkflowFiles(paths: string[], warn: LoadWarning = () => {}): Promise<WorkflowModule[]> {
  const modules: WorkflowModule[] = [];
  for (const path of paths.map((given) => resolve(given))) {
    const files = modulesUnder(path);
    if (!files.length) warn(`WORKFLOWS_PATH: ${path} holds no .js, .cjs or .mjs module (TypeScript workflows must be compiled first)`);
    for (const file of files) {
      const workflows = await workflowsOf(file);
      if (workflows.length) modules.push({ file, workflows });
      else warn(`WORKFLOWS_PATH: ${file} exports no workflow definition ({ name, run }) or @Workflow class; skipped`);
    }
  }
  if (paths.length && !modules.length) warn(`WORKFLOWS_PATH: no workflow found in ${paths.join(', ')}`);
  return modules;
}

/** The workflows a module exports; an export that is almost one is a mistake worth stopping for. */
async function workflowsOf(file: string): Promise<WorkflowSource[]> {
  let exported: Record<string, unknown>;
  try {
    exported = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new Error(`WORKFLOWS_PATH: cannot load ${file}: ${(error as Error).message}`);
  }
  const values = uniqueExports(exported);
  const almost = values.find((value) => !isWorkflowSource(value) && looksLikeWorkflow(value));
  if (almost) throw new Error(`WORKFLOWS_PATH: ${file} exports ${describeAlmost(almost)}`);
  return values.filter(isWorkflowSource);
}

function modulesUnder(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new Error(`WORKFLOWS_PATH: ${path} does not exist`);
  }
  if (stats.isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return modulesUnder(child);
      return LOADABLE.has(extname(entry.name)) ? [child] : [];
    });
}

/** A CommonJS module imported as ESM shows its exports both by name and under `default`. */
function uniqueExports(exported: Record<string, unknown>): unknown[] {
  const values = new Set<unknown>();
  for (const [key, value] of Object.entries(exported)) {
    if (key === 'default' && value && typeof value === 'object' && !isWorkflowSource(value) && !looksLikeWorkflow(value)) {
      Object.values(value).forEach((inner) => values.add(inner));
    } else {
      values.add(value);
    }
  }
  return [...values];
}

/** An object with a `name` and a `run`, or a WorkflowEntrypoint subclass: meant as a workflow. */
function looksLikeWorkflow(value: unknown): boolean {
  if (typeof value === 'function') return extendsEntrypoint(value);
  return typeof value === 'object' && value !== null && 'name' in value && 'run' in value;
}

/** By name, along the prototype chain: a module may have loaded another copy of this package. */
function extendsEntrypoint(value: Function): boolean {
  for (let proto = Object.getPrototypeOf(value.prototype ?? {}); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === WorkflowEntrypoint.name) return true;
  }
  return false;
}

function describeAlmost(value: unknown): string {
  if (typeof value === 'function') return `the class ${value.name || '(anonymous)'}, a WorkflowEntrypoint without @Workflow({ name })`;
  const { name, run } = value as { name: unknown; run: unknown };
  return typeof name !== 'string' ? `a workflow whose name is ${JSON.stringify(name) ?? String(name)}, not text` : `the workflow "${name}" whose run is ${typeof run}, not a function`;
}

function isWorkflowSource(value: unknown): value is WorkflowSource {
  if (typeof value === 'function') return workflowOptionsOf(value) !== undefined;
  const candidate = value as { name?: unknown; run?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.name === 'string' && typeof candidate.run === 'function';
}
