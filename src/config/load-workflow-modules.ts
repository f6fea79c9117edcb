import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkflowSource } from '../engine';
import { workflowOptionsOf } from '../engine/definition/workflow-entrypoint';

const LOADABLE = new Set(['.js', '.cjs', '.mjs']);

/** One module of WORKFLOWS_PATH and the workflows it exports (the start-up block names the file). */
export interface WorkflowModule {
  file: string;
  workflows: WorkflowSource[];
}

/**
 * Loads WORKFLOWS_PATH: every compiled module in the listed files and folders (folders are read
 * recursively). Each export that is a workflow definition (`{ name, run }`) or a `@Workflow` class
 * is registered. A module that fails to load, or exports no workflow, stops start-up with its path.
 */
export async function loadWorkflowModules(paths: string[]): Promise<WorkflowSource[]> {
  return (await loadWorkflowFiles(paths)).flatMap((module) => module.workflows);
}

/** As loadWorkflowModules, module by module. */
export async function loadWorkflowFiles(paths: string[]): Promise<WorkflowModule[]> {
  const modules: WorkflowModule[] = [];
  for (const file of paths.flatMap((path) => modulesUnder(resolve(path)))) {
    let exported: Record<string, unknown>;
    try {
      exported = await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(`WORKFLOWS_PATH: cannot load ${file}: ${(error as Error).message}`);
    }
    const found = uniqueExports(exported).filter(isWorkflowSource);
    if (!found.length) throw new Error(`WORKFLOWS_PATH: ${file} exports no workflow definition ({ name, run }) or @Workflow class`);
    modules.push({ file, workflows: found });
  }
  return modules;
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
    if (key === 'default' && value && typeof value === 'object' && !isWorkflowSource(value)) {
      Object.values(value).forEach((inner) => values.add(inner));
    } else {
      values.add(value);
    }
  }
  return [...values];
}

function isWorkflowSource(value: unknown): value is WorkflowSource {
  if (typeof value === 'function') return workflowOptionsOf(value) !== undefined;
  const candidate = value as { name?: unknown; run?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.name === 'string' && typeof candidate.run === 'function';
}
