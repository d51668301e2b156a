/**
 * The command lines of the project's commands (npm start, token, demo, redrive, layers, the
 * benchmarks), one way: options parsed strictly; `--help` (or `-h`) prints the usage and exits 0;
 * an unknown option or a missing value prints what is wrong and the usage, and exits 2.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export const commandLine = <O extends ParseArgsOptionsConfig>(
  usage: string,
  options: O,
  args: string[] = process.argv.slice(2),
) => {
  const text = usage.trim();
  let parsed: ReturnType<typeof parse<O>>;
  try {
    parsed = parse(options, args);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${text}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(text);
    process.exit(0);
  }
  return parsed;
};

const parse = <O extends ParseArgsOptionsConfig>(options: O, args: string[]) =>
  parseArgs({
    args,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
