/**
 * The layer rule (docs/ARCHITECTURE.md), as data, and a checker over the TypeScript imports of a tree.
 * Bottom to top:
 *   native-models, main/contract           the bottom: each imports only itself (contract: zod)
 *   main/engine, library, models, remote   the services: contract + native-models, never each other
 *                                          (native-models is the app's file-format library too: atomic writes)
 *   main/studio                            the wiring: the services below
 *   main/api                               router, handlers, transports: the wiring and below
 *   main/app, main/cli                     on top (app is the only importer of 'electron')
 *   renderer, preload                      only the contract (preload: only its IPC channel names as values)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export interface Layer {
  name: string;
  /** Folder (relative to the root) whose files belong to this layer. */
  dir: string;
  /** Layers whose files this one may import (itself always). */
  mayImport: string[];
  /** npm packages it may import (undefined: any); Node built-ins are governed by `node`. */
  packages?: string[];
  /** May import Node built-ins (default true). */
  node?: boolean;
  /** Packages it must never import (checked when `packages` is undefined). */
  forbiddenPackages?: string[];
}

const SERVICES = ['contract', 'native-models'];

export const LAYERS: Layer[] = [
  { name: 'native-models', dir: 'native-models', mayImport: [], forbiddenPackages: ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node'] },
  { name: 'contract', dir: 'main/contract', mayImport: [], packages: ['zod'], node: false },
  { name: 'engine', dir: 'main/engine', mayImport: SERVICES, forbiddenPackages: ['electron', 'better-sqlite3'] },
  { name: 'library', dir: 'main/library', mayImport: SERVICES, forbiddenPackages: ['electron', 'onnxruntime-node'] },
  { name: 'models', dir: 'main/models', mayImport: SERVICES, forbiddenPackages: ['electron', 'better-sqlite3'] },
  { name: 'remote', dir: 'main/remote', mayImport: SERVICES, forbiddenPackages: ['electron', 'better-sqlite3', 'onnxruntime-node'] },
  { name: 'studio', dir: 'main/studio', mayImport: [...SERVICES, 'engine', 'library', 'models', 'remote'], forbiddenPackages: ['electron'] },
  { name: 'api', dir: 'main/api', mayImport: [...SERVICES, 'engine', 'library', 'models', 'remote', 'studio'], forbiddenPackages: ['electron'] },
  { name: 'app', dir: 'main/app', mayImport: [...SERVICES, 'engine', 'library', 'models', 'remote', 'studio', 'api'] },
  { name: 'cli', dir: 'main/cli', mayImport: [...SERVICES, 'engine', 'library', 'models', 'remote', 'studio', 'api'], forbiddenPackages: ['electron'] },
  { name: 'preload', dir: 'preload', mayImport: ['contract'], packages: ['electron'], node: false },
  { name: 'renderer', dir: 'renderer/src', mayImport: ['contract'], node: false, forbiddenPackages: ['electron', 'better-sqlite3', 'onnxruntime-node', 'sharp'] },
];

/** The one file of the contract preload may import values from (everything else: `import type`). */
export const PRELOAD_VALUE_IMPORTS = ['main/contract/ipc.ts'];

export interface Violation {
  file: string;
  specifier: string;
  why: string;
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function layerOf(rel: string, layers: Layer[]): Layer | undefined {
  return layers.find((l) => rel === l.dir || rel.startsWith(`${l.dir}/`));
}

function sourceFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(full);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sourceFiles(root, rel));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function resolveRelative(root: string, fromRel: string, spec: string): string {
  const base = path.join(path.dirname(fromRel), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    try {
      if (statSync(path.join(root, candidate)).isFile()) return candidate.split(path.sep).join('/');
    } catch {
      // next
    }
  }
  return base.split(path.sep).join('/');
}

/** Every import (static, dynamic, re-export) of a file, with whether it only imports types. */
function importsOf(text: string, fileName: string): Array<{ spec: string; typeOnly: boolean }> {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined && clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      out.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push({ spec: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every import that crosses the layers the wrong way, under `root`. */
export function layerViolations(root: string, layers: Layer[] = LAYERS): Violation[] {
  const out: Violation[] = [];
  for (const layer of layers) {
    for (const file of sourceFiles(root, layer.dir)) {
      const text = readFileSync(path.join(root, file), 'utf8');
      for (const { spec, typeOnly } of importsOf(text, file)) {
        if (spec.startsWith('.')) {
          const target = resolveRelative(root, file, spec);
          const to = layerOf(target, layers);
          if (!to) {
            out.push({ file, specifier: spec, why: `${target} belongs to no layer (${layer.name} may import ${[layer.name, ...layer.mayImport].join(', ')})` });
          } else if (to.name !== layer.name && !layer.mayImport.includes(to.name)) {
            out.push({ file, specifier: spec, why: `${layer.name} must not import ${to.name} (${target})` });
          } else if (layer.name === 'preload' && to.name === 'contract' && !typeOnly && !PRELOAD_VALUE_IMPORTS.includes(target)) {
            out.push({ file, specifier: spec, why: `preload imports values only from ${PRELOAD_VALUE_IMPORTS.join(', ')} (the rest with import type), so no schema goes into the sandbox: ${target}` });
          }
        } else if (BUILTINS.has(spec)) {
          if (layer.node === false) out.push({ file, specifier: spec, why: `${layer.name} runs where Node built-ins do not exist` });
        } else {
          const pkg = packageName(spec);
          if (layer.packages && !layer.packages.includes(pkg) && !typeOnly) out.push({ file, specifier: spec, why: `${layer.name} may import only ${layer.packages.join(', ')}` });
          if (layer.forbiddenPackages?.includes(pkg) && !typeOnly) out.push({ file, specifier: spec, why: `${layer.name} must not import ${pkg}` });
        }
      }
    }
  }
  return out;
}
