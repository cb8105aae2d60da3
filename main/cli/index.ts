/**
 * The `glimmer` command line. Each command is one small module; this file only dispatches.
 *   glimmer serve [--port N] [--host 127.0.0.1] [--no-open]
 *   glimmer info
 *   glimmer generate --model DIR --prompt TEXT --out FILE.png [...]
 *   glimmer check-text --image FILE [--prompt TEXT | --text S ...] [--json]
 *   glimmer compile --checkpoint DIR --out DIR [--precision P]
 *   glimmer models list|find|validate|import|download|remove [...]
 */
import { errorCode } from '../contract';
import { runCheckText } from './check-text';
import { runCompile } from './compile';
import { runGenerate } from './generate';
import { runInfo } from './info';
import { runModels } from './models';
import { runServe } from './serve';

export type Command = (args: string[]) => Promise<number>;

export const commands: Record<string, { run: Command; summary: string }> = {
  serve: { run: runServe, summary: 'serve the studio and its API on loopback for a browser' },
  info: { run: runInfo, summary: 'print what onnxruntime-node offers on this machine' },
  generate: { run: runGenerate, summary: 'make an image from a prompt (and reference images) with a model' },
  'check-text': { run: runCheckText, summary: 'read the quoted text of a prompt back from an image (found / score per string)' },
  compile: { run: runCompile, summary: 'compile a GLM-Image checkpoint into ONNX graphs the engine runs' },
  models: { run: runModels, summary: 'list, find, validate, import, download and remove GLM-Image models' },
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
