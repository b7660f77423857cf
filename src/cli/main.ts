import { fileURLToPath } from 'node:url';
import { isDubanError } from '../errors.ts';
import type { CliIo } from './command.ts';
import { commands } from './commands.ts';
import { fromSystemError } from './from-system-error.ts';

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`未知命令：${name}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.summary}\n用法：${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const known = isDubanError(e) ? e : fromSystemError(e);
    if (!known) throw e;
    io.stderr.write(`错误 [${known.code}]：${known.describe()}\n`);
    return 1;
  }
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `督办助手 duban — 工作方案督办机器人\n\n用法：duban <命令> [选项]\n\n${commands
    .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n\n每个命令加 --help 查看详细用法。\n`;
}

/** `duban … | head`: a reader that stops early is not an error. */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  quietOnClosedPipe();
  process.exitCode = await main(process.argv.slice(2));
}
