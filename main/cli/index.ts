/**
 * The `glimmer` command line. Each command is one small module; this file only dispatches.
 *   glimmer serve [--port N] [--host 127.0.0.1] [--no-open]
 *   glimmer info
 *   glimmer generate --model DIR --prompt TEXT --out FILE.png [...]   (or --engine URL: on a server)
 *   glimmer check-text --image FILE [--prompt TEXT | --text S ...] [--json]
 *   glimmer compile --checkpoint DIR --out DIR [--precision P]
 *   glimmer models list|find|validate|import|download|remove [...]
 *   glimmer library rebuild
 *   glimmer servers add|list|test|remove [...]
 */
import { errorCode } from '../contract';
import { runCheckText } from './check-text';
import { runCompile } from './compile';
import { runGenerate } from './generate';
import { t } from './i18n';
import { runInfo } from './info';
import { runLibrary } from './library';
import { runModels } from './models';
import { runServe } from './serve';
import { runServers } from './servers';

export type Command = (args: string[]) => Promise<number>;

/** Each command and its one-line summary (the message usage.commands.<name>). */
export const commands: Record<'serve' | 'info' | 'generate' | 'check-text' | 'compile' | 'models' | 'library' | 'servers', { run: Command }> = {
  serve: { run: runServe },
  info: { run: runInfo },
  generate: { run: runGenerate },
  'check-text': { run: runCheckText },
  compile: { run: runCompile },
  models: { run: runModels },
  library: { run: runLibrary },
  servers: { run: runServers },
  // @commands
};

function isCommand(name: string): name is keyof typeof commands {
  return Object.prototype.hasOwnProperty.call(commands, name);
}

function usage(): string {
  const lines = Object.keys(commands).map((name) => `  glimmer ${name.padEnd(10)} ${t(`usage.commands.${name as keyof typeof commands}`)}`);
  return [t('usage.title'), ...lines, '', t('usage.more')].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (!isCommand(name)) {
    console.error(`${t('usage.unknown', { name })}\n\n${usage()}`);
    return 2;
  }
  try {
    return await commands[name].run(rest);
  } catch (err) {
    const code = errorCode(err);
    console.error(t('usage.failed', { name, message: err instanceof Error ? err.message : String(err) }));
    if (code !== undefined) return code === 'bad_request' ? 2 : 1;
    return 1;
  }
}
