/** warrenctl's --help text, from the command table. */
import { COMMAND_FAMILIES } from './commands/index.js';
import type { Command } from './context.js';

const OPTIONS = `Options:
  -p, --vhost <vhost>     virtual host (default /)
  -q, --quiet             no informational messages
  -s, --silent            no informational messages and no table header row
  --no-table-headers      no table header row
  --formatter <json>      machine-readable output for list commands
  --data-dir <dir>        the broker's data directory: on the broker's machine warrenctl logs in with
                          the credentials file the broker writes there (env WARREN_DATA_DIR, default ./data),
                          unless --api-url, --username or --password is given
  --api-url <url>         management API (env WARRENCTL_API_URL, default http://127.0.0.1:15672)
  --username <user>       management user (env WARRENCTL_USERNAME, default guest)
  --password <password>   its password (env WARRENCTL_PASSWORD, default guest)
  -h, --help              this text; help <command> for one command
`;

/** The whole text. */
export function usageText(): string {
  const families = COMMAND_FAMILIES.map(([title, commands]) => `${title}:\n${Object.values(commands).map((c) => `  ${c.usage}`).join('\n')}`);
  return `Usage: warrenctl [options] <command> [<args>]\n\n${families.join('\n\n')}\n\n${OPTIONS}`;
}

/** One command's usage. */
export function commandUsage(c: Command): string {
  return `Usage: warrenctl [options] ${c.usage}\n\n${OPTIONS}`;
}
