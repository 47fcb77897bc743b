// `npm run team -- <command>`: manage teams and devices on this server's database (see team-command.ts).
import { teamCommand } from './team-command.js';

process.exit(await teamCommand(process.argv.slice(2)));
