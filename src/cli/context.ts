/** What a command is handed: its arguments, the global options, the API and where output goes. */
import { apiRequest, type ApiResponse, type ApiTarget } from './api-client.js';
import { UsageError, type ParsedArgs } from './args.js';

/** Where output goes (injectable for tests). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** The first line of standard input (a password not given as an argument); absent in tests. */
  readLine?: () => Promise<string>;
  /** All of standard input (import_definitions -); absent in tests. */
  readAll?: () => Promise<string>;
}

/** One command invocation. */
export class Context {
  /** The command's positional arguments (the command name removed). */
  readonly args: string[];
  /** -p / --vhost, default "/". */
  readonly vhost: string;
  /** -q or -s: no banner. */
  readonly quiet: boolean;
  /** A header row on tables (not with -s or --no-table-headers). */
  readonly headers: boolean;
  /** --formatter json. */
  readonly json: boolean;

  constructor(
    readonly parsed: ParsedArgs,
    readonly target: ApiTarget,
    readonly io: Io,
  ) {
    this.args = parsed.positional.slice(1);
    this.vhost = parsed.values.get('vhost') ?? '/';
    this.quiet = parsed.flags.has('quiet') || parsed.flags.has('silent');
    this.headers = !parsed.flags.has('silent') && !parsed.flags.has('no-table-headers');
    const formatter = parsed.values.get('formatter');
    if (formatter !== undefined && formatter !== 'json' && formatter !== 'table') throw new UsageError(`unsupported formatter ${formatter}`);
    this.json = formatter === 'json';
  }

  /** An option's value (undefined when not given). */
  option(name: string): string | undefined {
    return this.parsed.values.get(name);
  }

  /** Whether a switch was given. */
  flag(name: string): boolean {
    return this.parsed.flags.has(name);
  }

  /** Prints the banner line unless -q / -s (and, when asked, unless --formatter json). */
  banner(text: string, skipForJson = false): void {
    if (this.quiet || (skipForJson && this.json)) return;
    this.io.out(text + '\n');
  }

  /** One management API request (extra headers: e.g. X-Reason). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return apiRequest(this.target, method, path, body, headers);
  }
}

/** A warrenctl command. */
export interface Command {
  /** Its usage line for --help. */
  usage: string;
  /** Runs it; resolves with the exit code. */
  run: (c: Context) => Promise<number>;
}

/** encodeURIComponent for each path segment, joined with '/'. */
export function apiPath(...segments: string[]): string {
  return segments.map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}
