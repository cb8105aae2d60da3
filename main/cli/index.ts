/**
 * The `glimmer` command line. Each command is one small module; this file only dispatches.
 *   glimmer serve [--port N] [--host 127.0.0.1] [--no-open]
 *   glimmer info
 *   glimmer generate --model DIR --prompt TEXT --out FILE.png [...]   (or --engine URL: on a server)
 *   glimmer compile --checkpoint DIR --out DIR [--precision P]
 *   glimmer models list|find|validate|import|download|remove [...]
 *   glimmer library rebuild
 *   glimmer servers add|list|test|remove [...]
 */
import { errorCode } from '../contract';
import { runCompile } from './compile';
import { runGenerate } from './generate';
import { runInfo } from './info';
import { runLibrary } from './library';
import { runModels } from './models';
import { runServe } from './serve';
import { runServers } from './servers';

export type Command = (args: string[]) => Promise<number>;

export const commands: Record<string, { run: Command; summary: string }> = {
  serve: { run: runServe, summary: 'serve the studio and its API (and an OpenAI-style images API) for a browser or other studios' },
  info: { run: runInfo, summary: 'print what onnxruntime-node offers on this machine' },
  generate: { run: runGenerate, summary: 'make an image from a prompt (and reference images) with a model, or on a server' },
  compile: { run: runCompile, summary: 'compile a GLM-Image checkpoint into ONNX graphs the engine runs' },
  models: { run: runModels, summary: 'list, find, validate, import, download and remove GLM-Image models' },
  library: { run: runLibrary, summary: 'rebuild a damaged library from its images' },
  servers: { run: runServers, summary: 'the servers jobs may run on: add, list, test, remove' },
  // @commands
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  glimmer ${name.padEnd(10)} ${c.summary}`);
  return ['Usage:', ...lines, '', 'Run `glimmer <command> --help` for its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`glimmer: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const code = errorCode(err);
    if (code !== undefined) {
      console.error(`glimmer ${name}: ${(err as Error).message}`);
      return code === 'bad_request' ? 2 : 1;
    }
    console.error(`glimmer ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
